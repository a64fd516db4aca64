from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments and moderation")

    def ready(self):
        from accounts.personal_data import register_eraser, register_exporter
        from comments.personal_data import erase_comments, export_comments

        register_exporter("comments", export_comments)
        register_eraser("comments", erase_comments)
