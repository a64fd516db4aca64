from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Lectern administration"
admin.site.site_title = "Lectern"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("blog.urls")),
]

handler500 = "config.views.server_error"
