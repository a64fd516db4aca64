"""What moderators and members do about comments: the audit log, earlier versions, reports
and suspensions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.models.comment import Comment


class CannedReason(models.Model):
    """A reason moderators pick when they decline or remove a comment; the member reads it."""

    label = models.CharField(
        _("label"),
        max_length=80,
        unique=True,
        help_text=_("What moderators pick from, e.g. “Off-topic”."),
        error_messages={"unique": _("Another canned reason already has this label.")},
    )
    text = models.CharField(
        _("text for the member"),
        max_length=400,
        help_text=_("What the member reads on “My comments” and in the mail, in full sentences."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first in the list.")
    )

    class Meta:
        verbose_name = _("canned reason")
        verbose_name_plural = _("canned reasons")
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class ModerationEvent(models.Model):
    """Who did what to which comment, when and why. Never edited, never deleted by moderation."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Marked as spam")
        REMOVED = "removed", _("Removed")
        EDITED = "edited", _("Edited")
        IMPORTED = "imported", _("Imported")
        HIDDEN = "hidden", _("Hidden after reports")
        DISMISSED = "dismissed", _("Reports dismissed")
        SUSPENDED = "suspended", _("Member suspended")
        UNSUSPENDED = "unsuspended", _("Suspension lifted")
        REDACTED = "redacted", _("Edited by a moderator")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    # For decisions about a member rather than one comment (suspensions).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=10, choices=Comment.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=Comment.Status.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A decline or removal the member was told about: the canned reason picked (kept for the log's
    # filter), and the words the member read, as they read them (a later edit of the canned
    # reason does not rewrite what they were told).
    canned_reason = models.ForeignKey(
        CannedReason,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("canned reason"),
    )
    member_notice = models.CharField(
        _("told the member"),
        max_length=1000,
        blank=True,
        help_text=_("Empty: the member was given no reason."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} #{self.comment_id}"


class CommentRevision(models.Model):
    """The text a comment had before its author edited it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous text"))
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Revision of #{self.comment_id}"


class CommentReportQuerySet(models.QuerySet):
    def open(self):
        """Reports no moderator has decided on yet."""
        return self.filter(resolved_at__isnull=True)


class CommentReport(models.Model):
    """A member's report of a comment. Only moderators ever see who reported."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abuse or harassment")
        OFF_TOPIC = "off_topic", _("Off-topic")
        PERSONAL = "personal", _("Personal information")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comment_report_once_per_member"
            )
        ]

    def __str__(self):
        return f"Report of #{self.comment_id}"


class SuspensionQuerySet(models.QuerySet):
    def active(self, now=None):
        """Suspensions in force: not lifted, and without an end or ending later."""
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )


class Suspension(models.Model):
    """A member may read and export their data, but not post, edit, reply or report."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.CharField(
        _("reason"), max_length=500, help_text=_("Shown to the member where the form was.")
    )
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, help_text=_("Empty: until a moderator lifts it.")
    )
    created_at = models.DateTimeField(_("from"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Suspension of {self.member_id}"
