from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments and moderation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.personal_data import register_eraser, register_exporter
        from comments.context_processors import on_sign_in
        from comments.personal_data import erase_comments, export_comments

        # Sign-in notes in the session whether the member moderates: the header's queue link.
        user_logged_in.connect(on_sign_in, dispatch_uid="comments.moderator_in_session")

        register_exporter("comments", export_comments)
        register_eraser("comments", erase_comments)
