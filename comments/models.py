import functools
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.text import render_comment_text

MODERATE_PERMISSION = "comments.moderate_comment"


def is_moderator(user) -> bool:
    """Whether this user may see every comment and take moderation decisions.

    The answer of `user.has_perm(MODERATE_PERMISSION)` (active superusers, or the permission held
    directly or through a group: the rule of moderators()), found with one small query instead of
    the two that load all of a user's permissions, and kept on the user object for the rest of
    the request, as Django keeps its permission cache there."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "_perm_cache"):  # Django has loaded them already: no query at all
        return user.has_perm(MODERATE_PERMISSION)
    if not hasattr(user, "_moderator_cache"):
        sql, params = _moderator_ids_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT %s IN ({sql})", [user.pk, *params])
            user._moderator_cache = bool(cursor.fetchone()[0])
    return user._moderator_cache


def moderators():
    """Active users who hold the moderation permission, directly, by group or as superusers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(
        codename="moderate_comment", content_type__app_label="comments"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


@functools.cache
def _moderator_ids_sql() -> tuple[str, tuple]:
    # moderators() compiled to SQL once per process: it has no per-request parameters, and
    # compiling its nested subqueries cost ~4 ms on every essay page. Still the one rule above.
    return moderators().values("pk").query.sql_with_params()


def is_moderator_column(column: str) -> RawSQL:
    """A boolean expression: whether the user whose id is in `column` ("table"."column") is a
    moderator (see moderators())."""
    sql, params = _moderator_ids_sql()
    # Only Django-compiled SQL and a column name from code: every value stays a parameter.
    return RawSQL(f"{column} IN ({sql})", params, output_field=BooleanField())  # noqa: S611


class CommentQuerySet(models.QuerySet):
    @staticmethod
    def _visibility(viewer) -> Q | None:
        # THE rule for who sees what. None means "everything" (moderators).
        approved = Q(status=Comment.Status.APPROVED)
        if is_moderator(viewer):
            return None
        if viewer is not None and viewer.is_authenticated:
            return approved | Q(status=Comment.Status.PENDING, author_id=viewer.pk)
        return approved

    def visible_to(self, viewer):
        """Comments this viewer may read: the public sees approved ones, a member also their own
        pending ones, a moderator everything."""
        rule = self._visibility(viewer)
        return self if rule is None else self.filter(rule)

    def public(self):
        """What anyone may read: the rule applied to an anonymous reader."""
        return self.visible_to(None)

    def written_by(self, member):
        """A member's own comments, newest first, with whether they deleted each themselves."""
        deleted_by_author = Exists(
            ModerationEvent.objects.filter(
                comment=OuterRef("pk"),
                actor_id=member.pk,
                action=ModerationEvent.Action.REMOVED,
            )
        )
        return (
            self.filter(author_id=member.pk)
            .select_related("post")
            .annotate(deleted_by_author=deleted_by_author)
            .order_by("-created_at", "-id")
        )

    def personal_to(self, member):
        """This member's comments that make their view differ from the public one: those only
        they can see (awaiting moderation) and those they may still edit."""
        if member is None or not member.is_authenticated:
            return self.none()
        window = timedelta(minutes=setting("COMMENTS_EDIT_WINDOW_MINUTES"))
        return self.filter(author_id=member.pk).filter(
            Q(status=Comment.Status.PENDING)
            | Q(status=Comment.Status.APPROVED, created_at__gt=timezone.now() - window)
        )

    def in_moderation(self):
        """Comments waiting for a moderator's decision, oldest first."""
        return self.filter(status=Comment.Status.PENDING).order_by("created_at", "id")

    def thread_roots(self, *, post, viewer, newest_first=False):
        """The top-level comments of an essay that show for this viewer, as ids in reading order:
        visible ones, and hidden ones with something visible in their thread (placeholders)."""
        rule = self._visibility(viewer)
        roots = self.filter(post=post, parent__isnull=True)
        if rule is not None:
            below = Exists(Comment.objects.filter(Q(root_id=OuterRef("pk")) & rule))
            roots = roots.filter(rule | Q(below))
        ordering = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
        return roots.order_by(*ordering).values_list("pk", flat=True)

    def for_thread(self, *, post, viewer):
        """One query for an essay's thread as this viewer sees it: the comments they may read,
        plus the hidden ones that have replies (shown as text-less placeholders). The text of a
        hidden comment never leaves the database: `shown_html` is empty for it. Whether each
        author is a moderator (their badge) comes with it, rather than in a query of its own."""
        rule = self._visibility(viewer)
        if rule is None:
            is_visible, shown_html = Value(True), F("body_html")
        else:
            is_visible = Case(
                When(rule, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
            shown_html = Case(
                When(rule, then=F("body_html")), default=Value(""), output_field=TextField()
            )
        has_replies = Exists(Comment.objects.filter(parent_id=OuterRef("pk")))
        queryset = self.filter(post=post)
        if rule is not None:
            queryset = queryset.filter(rule | Q(has_replies))
        # Plain tuples, not model instances (building 500 instances costs more than the query)
        # nor dicts: comments.thread unpacks them in THREAD_FIELDS order.
        return (
            queryset.annotate(
                is_visible=is_visible,
                shown_html=shown_html,
                # Postgres works the moderators' subquery out once (a hashed IN), not per row.
                author_is_moderator=is_moderator_column(f'"{Comment._meta.db_table}"."author_id"'),
            )
            .values_list(*THREAD_FIELDS)
            .order_by("created_at", "id")
        )


THREAD_FIELDS = (
    "id",
    "parent_id",
    "reply_to_id",
    "original_id",
    "depth",
    "status",
    "created_at",
    "guest_name",
    "author_id",
    "author__username",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author__avatar_url",
    "is_visible",
    "shown_html",
    "author_is_moderator",
    "edited_at",
    "redacted_at",
)


def guest_email_digest(email: str) -> str:
    """A keyed hash of an e-mail address: matches the same address later, reveals nothing."""
    normalised = email.strip().casefold()
    return salted_hmac("comments.guest_email", normalised, algorithm="sha256").hexdigest()


def is_editable(*, author_id, status, created_at, user, now=None) -> bool:
    """Authors may edit their own comment for a short while, unless a moderator took it down."""
    if user is None or not user.is_authenticated or author_id != user.pk:
        return False
    if status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        return False
    window = timedelta(minutes=setting("COMMENTS_EDIT_WINDOW_MINUTES"))
    return (now or timezone.now()) < created_at + window


class Comment(models.Model):
    """A member's comment on an essay, or a reply to another comment."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="comments", verbose_name=_("essay")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    guest_name = models.CharField(
        _("guest name"),
        max_length=150,
        blank=True,
        help_text=_("For comments imported from the old site, whose authors have no account."),
    )
    # Adjacency list plus denormalised root and depth: a thread is fetched in one query by post
    # and assembled in Python; root and depth answer "which thread" and "how deep" without walking.
    # RESTRICT (not PROTECT) lets an essay's deletion cascade through its whole thread.
    parent = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The real parent of an imported reply nested deeper than threads go here: it is filed
    # under its deepest allowed ancestor (`parent`) and shown "in reply to" this one.
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("answers"),
    )
    # A text column: members are held to COMMENTS_MAX_LENGTH by the form and the services, but
    # longer comments imported from the old site are kept whole.
    body = models.TextField(
        _("text"),
        help_text=_("Plain text, stored exactly as written and always shown escaped."),
    )
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    guest_email_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "An imported guest's e-mail address, kept only as a keyed hash (see "
            "guest_email_digest), so a member signing in with it later can be matched."
        ),
    )
    original_id = models.PositiveBigIntegerField(
        _("number on the old site"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("For imported comments: old links to #comment-<number> find it."),
    )
    moderation_reason = models.CharField(
        _("why it was held"),
        max_length=200,
        blank=True,
        help_text=_("The moderation policy's reason, shown to moderators."),
    )
    notify_on_approval = models.BooleanField(
        _("e-mail the author when approved"), default=False, editable=False
    )
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    redacted_at = models.DateTimeField(
        _("edited by a moderator"), null=True, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            models.Index(fields=["post", "created_at"], name="comment_post_created"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            models.Index(fields=["author", "created_at"], name="comment_author_created"),
        ]
        constraints = [
            # A double-clicked submit carries the same token twice: only one comment is stored.
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="comment_unique_submission"
            ),
        ]

    def __str__(self):
        # No essay id: lists that need the essay name it by title (CommentAdmin.essay).
        return f"{self.display_name}: {self.body[:40]}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment_text(self.body)
        if self._state.adding and self.parent_id is not None:
            self.root_id = self.parent.root_id or self.parent_id
            self.depth = self.parent.depth + 1
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The permalink finds the page of the thread the comment is on (long essays page).
        return reverse("comments:permalink", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.author_id is not None:
            return self.author.get_display_name()
        return self.guest_name or str(_("Former member"))

    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    def is_hidden_by_reports(self) -> bool:
        """Held because members reported it (not because the policy held it on arrival)."""
        last = self.events.exclude(action=ModerationEvent.Action.EDITED).last()
        return last is not None and last.action == ModerationEvent.Action.HIDDEN

    def can_be_deleted_by(self, user) -> bool:
        """Authors may take back their own comment at any time while it is shown or waiting."""
        return (
            user is not None
            and user.is_authenticated
            and self.author_id == user.pk
            and self.status in (self.Status.PENDING, self.Status.APPROVED)
        )

    def can_be_edited_by(self, user, *, now=None) -> bool:
        return is_editable(
            author_id=self.author_id,
            status=self.status,
            created_at=self.created_at,
            user=user,
            now=now,
        )


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
    """How a member wants comment mail; no row means the defaults."""

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
    replies = models.CharField(
        _("replies to my comments"),
        max_length=10,
        choices=MailFrequency.choices,
        default=MailFrequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("mail choice")
        verbose_name_plural = _("mail choices")

    def __str__(self):
        return f"Mail choices of {self.member_id}"

    @classmethod
    def of(cls, member) -> "MailChoice":
        return cls.objects.filter(member=member).first() or cls(member=member)


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


# Kept in a module of its own (this one is long); imported here so Django finds the model.
from comments.word_lists import ModerationSettings  # noqa: E402, F401
