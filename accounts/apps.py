from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and authors")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import limit_staff_session

        user_logged_in.connect(limit_staff_session, dispatch_uid="accounts.limit_staff_session")
