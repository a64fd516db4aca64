"""What comment mail a member wants: followed essays and how often."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("each one, as it is published")
    DAILY = "daily", _("one daily digest")
    OFF = "off", _("never")


class EssayFollow(models.Model):
    """A member asked to hear of new comments on an essay."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("followed essay")
        verbose_name_plural = _("followed essays")
        constraints = [models.UniqueConstraint(fields=["member", "post"], name="essay_follow_once")]

    def __str__(self):
        return f"{self.member_id} follows {self.post_id}"


class MailChoice(models.Model):
    """How a member wants comment mail; no row means the defaults. The one place every
    comment mail a member can get is switched (the account page shows it)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="comment_mail_choice",
    )
    follows = models.CharField(
        _("new comments on essays I follow"),
        max_length=10,
        choices=MailFrequency.choices,
        default=MailFrequency.IMMEDIATE,
    )
    # Off unless asked for, as the account page's old "e-mail me when someone replies" was.
    replies = models.CharField(
        _("replies to my comments"),
        max_length=10,
        choices=MailFrequency.choices,
        default=MailFrequency.OFF,
    )
    published = models.BooleanField(
        _("my comment is published, when I ask for it as I post"), default=True
    )

    decisions = models.BooleanField(
        _("a moderator's reason when they decline or remove my comment"), default=True
    )

    class Meta:
        verbose_name = _("mail choice")
        verbose_name_plural = _("mail choices")

    def __str__(self):
        return f"Mail choices of {self.member_id}"

    @classmethod
    def of(cls, member) -> "MailChoice":
        return cls.objects.filter(member=member).first() or cls(member=member)
