from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.admin_login import admin_login
from comments.urls import member_urlpatterns as my_comments_urls
from config import security, views

admin.site.site_header = "Lectern administration"
admin.site.site_title = "Lectern"

# Local media only: a bucket serves its own files, at MEDIA_S3_PUBLIC_URL.
local_media = (
    [] if settings.MEDIA_S3_BUCKET else [path("media/<path:path>", views.media, name="media")]
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", security.security_txt, name="security_txt"),
    # Before admin.site.urls, so that this rate-limited view answers the admin's own login URL.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/me/", include((my_comments_urls, "my_comments"))),
    path("accounts/me/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("comments/", include("comments.urls")),
    *local_media,
    path("", include("blog.urls")),
]

handler500 = "config.views.server_error"
