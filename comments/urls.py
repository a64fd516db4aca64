from django.urls import path

from comments import feeds, moderation_views, views

app_name = "comments"

urlpatterns = [
    path("essays/<int:post_id>/", views.comment_create, name="create"),
    path("feed/", feeds.rss, name="feed"),
    path("feed/atom/", feeds.atom, name="feed_atom"),
    path("essays/<int:post_id>/feed/", feeds.rss, name="essay_feed"),
    path("essays/<int:post_id>/feed/atom/", feeds.atom, name="essay_feed_atom"),
    path("essays/<int:post_id>/follow/", views.essay_follow, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.comment_permalink, name="permalink"),
    path("<int:pk>/reply/", views.comment_reply, name="reply"),
    path("<int:pk>/edit/", views.comment_edit, name="edit"),
    path("<int:pk>/delete/", views.comment_withdraw, name="withdraw"),
    path("<int:pk>/report/", views.comment_report, name="report"),
    path("<int:pk>/redact/", moderation_views.comment_redact, name="redact"),
    path("<int:pk>/history/", moderation_views.comment_history, name="history"),
    path("<int:pk>/decline/", moderation_views.comment_decline, name="decline"),
    path("moderation/", moderation_views.moderation_queue, name="queue"),
    path("moderation/log/", moderation_views.moderation_log, name="log"),
    path(
        "moderation/members/<int:user_id>/", moderation_views.member_suspension, name="suspension"
    ),
    path("moderation/decide/", moderation_views.moderate, name="moderate"),
]

# A member's own pages, mounted under /accounts/me/ by config/urls.py (namespace "my_comments").
member_urlpatterns = [
    path("comments/", views.my_comments, name="list"),
    path("mail/", views.mail_settings, name="mail"),
]
