"""Moderators' decisions on a comment (approve, reject, file as spam, remove) and their redaction
of its text: each checks the moderator's permission, is logged as a ModerationEvent, and may be
explained to the comment's author."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import is_invisible
from comments import announcements, notifications, waiting
from comments.models import CannedReason, Comment, CommentRevision, ModerationEvent, is_moderator
from comments.services.public_count import _lock_post, _public_view_changes, refresh_public_count
from comments.services.refusals import CommentRefused, validate_body

# The event each decision writes, by the status it gives.
DECISION_EVENTS = {
    Comment.Status.APPROVED: ModerationEvent.Action.APPROVED,
    Comment.Status.REJECTED: ModerationEvent.Action.REJECTED,
    Comment.Status.SPAM: ModerationEvent.Action.SPAM,
    Comment.Status.REMOVED: ModerationEvent.Action.REMOVED,
}


# Decisions a member is told the reason for (a comment filed as spam is not explained).
TOLD_DECISIONS = (Comment.Status.REJECTED, Comment.Status.REMOVED)
REASON_LENGTH = ModerationEvent._meta.get_field("reason").max_length


def member_notice(*, reason: str, canned_reason: CannedReason | None) -> str:
    """What the member reads: the canned reason's text, then the moderator's own words."""
    if canned_reason is not None and not isinstance(canned_reason, CannedReason):
        raise CommentRefused(_("Pick a reason from the list of canned reasons."))
    if len(reason) > REASON_LENGTH:
        raise CommentRefused(
            _("A reason can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": REASON_LENGTH, "length": len(reason)}
        )
    told = [canned_reason.text if canned_reason else "", reason.strip()]
    return "\n\n".join(part for part in told if part)


def _decide(comment: Comment, moderator, to_status: str, reason: str, canned_reason=None) -> bool:
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    notice = member_notice(reason=reason, canned_reason=canned_reason)
    if to_status not in TOLD_DECISIONS:
        notice, canned_reason = "", None
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.status = to_status
        if current.status == to_status:
            return False  # idempotent: deciding the same twice changes nothing twice
        from_status = current.status
        # Members and followers hear of a comment once, on its first publication: approving a
        # declined comment announces it; approving one again after a removal or an edit does not.
        # (The mail's task looks again when it runs: a comment no longer public is not mailed.)
        first_publication = (
            to_status == Comment.Status.APPROVED
            and not current.events.filter(to_status=Comment.Status.APPROVED).exists()
        )
        current.status = to_status
        current.save(update_fields=["status", "updated_at"])
        # A moderator has looked at the comment: whatever members reported is settled.
        current.reports.open().update(resolved_at=timezone.now())
        event = ModerationEvent.objects.create(
            comment=current,
            actor=moderator,
            action=DECISION_EVENTS[to_status],
            from_status=from_status,
            to_status=to_status,
            reason=reason.strip(),
            canned_reason=canned_reason,
            member_notice=notice if current.author_id else "",
        )
        if event.member_notice:
            notifications.decision_explained(event)
        if from_status == Comment.Status.PENDING:
            waiting.waiting_changed()
        if _public_view_changes(current, from_status, to_status):
            refresh_public_count(comment.post)
        if first_publication:
            announcements.comment_published(current)
    return True


def comment_approve(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Make a comment public. Returns False when it already was (canned_reason is ignored)."""
    return _decide(comment, moderator, Comment.Status.APPROVED, reason, canned_reason)


def comment_reject(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Decline a comment: it stays stored, visible to moderators only. A reason given (canned,
    free text or both) is shown to its author and mailed to them if they want it."""
    return _decide(comment, moderator, Comment.Status.REJECTED, reason, canned_reason)


def comment_mark_spam(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """File a comment as spam (its author is not told why: canned_reason is ignored)."""
    return _decide(comment, moderator, Comment.Status.SPAM, reason, canned_reason)


def comment_remove(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Take a published comment down; its replies keep their place under a placeholder. A reason
    given is shown to its author, as for comment_reject."""
    return _decide(comment, moderator, Comment.Status.REMOVED, reason, canned_reason)


def comment_redact(*, comment: Comment, moderator, body: str, reason: str) -> Comment:
    """A moderator changes the text readers see, saying why; the member's text is kept in the
    history (for moderators only) and readers see "edited by a moderator"."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    if is_invisible(reason or ""):
        raise CommentRefused(_("Say why you edit this comment; the reason is kept in its history."))
    validate_body(body)
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if body == current.body:
            raise CommentRefused(_("The text is unchanged."))
        CommentRevision.objects.create(comment=current, body=current.body)
        current.body, current.redacted_at = body, timezone.now()
        current.save(update_fields=["body", "redacted_at", "updated_at"])
        ModerationEvent.objects.create(
            comment=current,
            actor=moderator,
            action=ModerationEvent.Action.REDACTED,
            from_status=current.status,
            to_status=current.status,
            reason=reason.strip(),
        )
        if current.status == Comment.Status.APPROVED:
            refresh_public_count(current.post)  # readers' cached pages show the new text
    return current
