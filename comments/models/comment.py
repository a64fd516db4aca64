"""The comment itself: its visibility rule, fields and per-row questions."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.models.moderators import is_moderator, is_moderator_column
from comments.text import render_comment_text


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
        """A member's own comments, newest first, with whether they deleted each themselves and
        the reason a moderator gave them for declining or removing it."""
        from comments.models.moderation import ModerationEvent  # it refers to Comment

        deleted_by_author = Exists(
            ModerationEvent.objects.filter(
                comment=OuterRef("pk"),
                actor_id=member.pk,
                action=ModerationEvent.Action.REMOVED,
            )
        )
        # What the last decline or removal told the member, if anything (an earlier one's reason
        # does not outlive a later decision without one).
        told = (
            ModerationEvent.objects.filter(
                comment=OuterRef("pk"),
                action__in=[ModerationEvent.Action.REJECTED, ModerationEvent.Action.REMOVED],
            )
            .order_by("-created_at", "-id")
            .values("member_notice")[:1]
        )
        return (
            self.filter(author_id=member.pk)
            .select_related("post")
            .annotate(deleted_by_author=deleted_by_author, moderator_reason=Subquery(told))
            .order_by("-created_at", "-id")
        )

    def personal_to(self, member, *, now=None):
        """This member's comments that make their view differ from the public one: those only
        they can see (awaiting moderation) and those they may still edit."""
        if member is None or not member.is_authenticated:
            return self.none()
        window = timedelta(minutes=setting("COMMENTS_EDIT_WINDOW_MINUTES"))
        return self.filter(author_id=member.pk).filter(
            Q(status=Comment.Status.PENDING)
            | Q(status=Comment.Status.APPROVED, created_at__gt=(now or timezone.now()) - window)
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
        # nor dicts: comments.tree unpacks them in THREAD_FIELDS order.
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
    "author__picture_small",
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
        self.derive_fields()
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The permalink finds the page of the thread the comment is on (long essays page).
        return reverse("comments:permalink", args=[self.pk])

    def derive_fields(self) -> None:
        """What save() derives: the text's HTML, and a new reply's place in its thread (for
        writers that store a new comment without save(): comments.services.posting)."""
        self.body_html = render_comment_text(self.body)
        if self._state.adding and self.parent_id is not None:
            self.root_id = self.parent.root_id or self.parent_id
            self.depth = self.parent.depth + 1

    @property
    def display_name(self) -> str:
        if self.author_id is not None:
            return self.author.get_display_name()
        return self.guest_name or str(_("Former member"))

    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    def is_visible_to(self, viewer) -> bool:
        """CommentQuerySet.visible_to's rule for a row already in hand, without a query (the
        two must agree: tests/comments/test_visibility.py holds them to it)."""
        if CommentQuerySet._visibility(viewer) is None or self.is_public():
            return True  # a moderator sees everything; everyone sees approved comments
        return (
            self.status == self.Status.PENDING
            and viewer is not None
            and viewer.is_authenticated
            and self.author_id == viewer.pk
        )

    def is_hidden_by_reports(self) -> bool:
        """Held because members reported it (not because the policy held it on arrival)."""
        from comments.models.moderation import ModerationEvent  # it refers to Comment

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
