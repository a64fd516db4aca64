from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Public profile"),
            {"fields": ("display_name", "display_name_chosen", "avatar_url", "notify_on_reply")},
        ),
    )


# Provider credentials come from the environment (see README), and tokens are never stored: the
# admin pages for them would only invite rows that conflict with the settings.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
