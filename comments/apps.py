from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments and moderation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.account_sections import register_account_section
        from accounts.names import register_trusted_people
        from accounts.personal_data import register_eraser, register_exporter
        from comments.context_processors import on_sign_in
        from comments.following import mail_section
        from comments.models import moderators
        from comments.personal_data import erase_comments, export_comment_mail, export_comments

        # Sign-in notes in the session whether the member moderates: the header's queue link.
        user_logged_in.connect(on_sign_in, dispatch_uid="comments.moderator_in_session")

        register_exporter("comments", export_comments)
        register_exporter("comment_mail", export_comment_mail)
        register_eraser("comments", erase_comments)
        register_account_section("comment_mail", mail_section)
        # Names that imitate a moderator are refused (accounts.names), by comments' own rule.
        register_trusted_people("moderators", moderators)
