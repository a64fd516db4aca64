from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can sign in: a member who comments, or staff who edit and moderate."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("Shown beside the member's comments. Falls back to the username."),
    )
    avatar_url = models.URLField(
        _("avatar URL"),
        max_length=500,
        blank=True,
        help_text=_("Picture from the member's sign-in provider, if it gives one."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
