"""What members do to their own comments: correct one within the edit window (the policy looks
at the new text again) or withdraw it. The permission is checked on the locked row."""

from http import HTTPStatus

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import notifications, policy, waiting
from comments.models import Comment, CommentRevision, ModerationEvent
from comments.services.public_count import _lock_post, _public_view_changes, refresh_public_count
from comments.services.refusals import CommentRefused, refuse_if_suspended, validate_body


def _lock_own_comment(comment: Comment, user, refusal: str, *, allowed=Comment.can_be_edited_by):
    # The caller's instance may be stale (a moderator decided since the page was loaded): the
    # permission and the starting status come from the locked row, never from that instance.
    _lock_post(comment.post)
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if not allowed(current, user):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    return current


def comment_withdraw(*, comment: Comment, author) -> bool:
    """An author takes back their own comment, at any time (kept, like any removal: it leaves a
    placeholder above replies, and nothing where it had none)."""
    refusal = _("This comment can no longer be deleted.")
    if not comment.can_be_deleted_by(author):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    with transaction.atomic():
        current = _lock_own_comment(comment, author, refusal, allowed=Comment.can_be_deleted_by)
        from_status = current.status
        current.status = comment.status = Comment.Status.REMOVED
        current.save(update_fields=["status", "updated_at"])
        ModerationEvent.objects.create(
            comment=current,
            actor=author,
            action=ModerationEvent.Action.REMOVED,
            from_status=from_status,
            to_status=Comment.Status.REMOVED,
            reason=_("Deleted by its author."),
        )
        if from_status == Comment.Status.PENDING:
            waiting.waiting_changed()
        if _public_view_changes(current, from_status, Comment.Status.REMOVED):
            refresh_public_count(comment.post)
    return True


def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """An author's correction within the edit window; the old text is kept as a revision and the
    policy looks at the new text again. An edit never raises the status: a held comment stays
    held (or becomes spam), a published one may go back to moderation."""
    refusal = _("This comment can no longer be edited.")
    if not comment.can_be_edited_by(editor):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    refuse_if_suspended(editor)
    validate_body(body)
    with transaction.atomic():
        current = _lock_own_comment(comment, editor, refusal)
        if body == current.body:
            return current
        CommentRevision.objects.create(comment=current, body=current.body)
        decision = policy.decide(author=editor, body=body)
        from_status = current.status
        # Only a moderator publishes a held comment; the policy may only hold or file as spam.
        if decision.status != Comment.Status.APPROVED:
            current.status, current.moderation_reason = decision.status, decision.reason
        current.body, current.edited_at = body, timezone.now()
        current.save(
            update_fields=["body", "status", "moderation_reason", "edited_at", "updated_at"]
        )
        ModerationEvent.objects.create(
            comment=current,
            actor=editor,
            action=ModerationEvent.Action.EDITED,
            from_status=from_status,
            to_status=current.status,
            reason=decision.reason if current.status != from_status else "",
        )
        if Comment.Status.APPROVED in (from_status, current.status):
            refresh_public_count(comment.post)
        if current.status == Comment.Status.PENDING and from_status != current.status:
            notifications.comments_waiting()
        if (
            Comment.Status.PENDING in (from_status, current.status)
            and from_status != current.status
        ):
            waiting.waiting_changed()
    return current
