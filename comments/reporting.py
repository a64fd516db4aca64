"""Members report comments; enough reports from different members hide a comment until a
moderator looks. Reporters are known to moderators only."""

from datetime import timedelta
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import notifications, waiting
from comments.conf import setting
from comments.models import Comment, CommentReport, ModerationEvent, is_moderator
from comments.services.public_count import _lock_post, refresh_public_count
from comments.services.refusals import CommentRefused, refuse_if_suspended


def _check_reportable(*, comment: Comment, reporter) -> None:
    if reporter is None or not reporter.is_authenticated or not reporter.is_active:
        raise CommentRefused(_("Please log in to report a comment."), status=HTTPStatus.FORBIDDEN)
    refuse_if_suspended(reporter)
    if comment.author_id == reporter.pk:
        raise CommentRefused(_("You cannot report your own comment."))
    if comment.status != Comment.Status.APPROVED or not comment.post.is_published():
        raise CommentRefused(
            _("This comment is not shown to readers, so there is nothing to report."),
            status=HTTPStatus.NOT_FOUND,
        )
    since = timezone.now() - timedelta(seconds=setting("COMMENTS_REPORT_RATE_WINDOW"))
    recent = CommentReport.objects.filter(reporter=reporter, created_at__gte=since).count()
    if recent >= setting("COMMENTS_REPORT_RATE_LIMIT"):
        raise CommentRefused(
            _("You have reported many comments in a short time. Please wait a while."),
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )


def comment_report(*, comment: Comment, reporter, reason: str, text: str = "") -> CommentReport:
    """Store one member's report; at COMMENTS_REPORTS_TO_HIDE open reports the comment is
    hidden (held for moderation, a placeholder above its replies) and moderators are told."""
    _check_reportable(comment=comment, reporter=reporter)
    already = _("You have already reported this comment.")
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        _check_reportable(comment=current, reporter=reporter)  # the locked row decides
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=current, reporter=reporter, reason=reason, text=text
                )
        except IntegrityError:
            raise CommentRefused(already, status=HTTPStatus.CONFLICT) from None
        reporters = current.reports.open().values("reporter").distinct().count()
        if reporters >= setting("COMMENTS_REPORTS_TO_HIDE"):
            _hide(current, reporters)
    return report


def _hide(comment: Comment, reporters: int) -> None:
    reason = _("Hidden after %(count)d reports.") % {"count": reporters}
    comment.status, comment.moderation_reason = Comment.Status.PENDING, reason
    comment.save(update_fields=["status", "moderation_reason", "updated_at"])
    ModerationEvent.objects.create(
        comment=comment,
        actor=None,  # the site did it; reporters stay unnamed in the history
        action=ModerationEvent.Action.HIDDEN,
        from_status=Comment.Status.APPROVED,
        to_status=Comment.Status.PENDING,
        reason=reason,
    )
    refresh_public_count(comment.post)
    transaction.on_commit(notifications.comments_waiting)
    waiting.waiting_changed()


def comment_reports_dismiss(
    *, comment: Comment, moderator, reason: str = "", canned_reason=None
) -> bool:
    """Close a comment's open reports; a comment they hid is published again. Returns False
    when there was nothing open. (canned_reason is ignored: nobody's comment is declined.)"""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        closed = current.reports.open().update(resolved_at=timezone.now())
        if not closed:
            return False
        from_status = current.status
        if current.status == Comment.Status.PENDING and current.is_hidden_by_reports():
            current.status, current.moderation_reason = Comment.Status.APPROVED, ""
            current.save(update_fields=["status", "moderation_reason", "updated_at"])
            refresh_public_count(current.post)
            waiting.waiting_changed()
        comment.status = current.status
        ModerationEvent.objects.create(
            comment=current,
            actor=moderator,
            action=ModerationEvent.Action.DISMISSED,
            from_status=from_status,
            to_status=current.status,
            reason=reason,
        )
    return True
