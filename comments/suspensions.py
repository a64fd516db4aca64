"""Moderators suspend a member for a while or until lifted; a suspended member may read and
export their data, but not post, edit, reply or report. Every step is a ModerationEvent."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import ModerationEvent, Suspension, is_moderator
from comments.render import comment_date


class SuspensionRefused(Exception):
    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.message, self.status = message, status


def active_suspension(member) -> Suspension | None:
    """The suspension in force for a member, if any (the latest to end wins)."""
    if member is None or not member.is_authenticated:
        return None
    return Suspension.objects.active().filter(member_id=member.pk).order_by("ends_at").last()


def suspension_notice(suspension: Suspension) -> str:
    """What a suspended member reads where the comment form was."""
    if suspension.ends_at is None:
        text = _("Your account is suspended from commenting until a moderator lifts it.")
    else:
        text = _("Your account is suspended from commenting until %(end)s.") % {
            "end": comment_date(suspension.ends_at)  # the comments' one date format
        }
    return f"{text} {_('Reason:')} {suspension.reason}"


def member_suspend(*, member, moderator, reason: str, ends_at=None) -> Suspension:
    """Suspend a member; a reason is required and the end, if any, must be in the future."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    reason = (reason or "").strip()
    if not reason:
        raise SuspensionRefused(_("Give the member a reason for the suspension."))
    if ends_at is not None and ends_at <= timezone.now():
        raise SuspensionRefused(_("The end of a suspension must be in the future."))
    if is_moderator(member):
        raise SuspensionRefused(_("Moderators cannot be suspended; remove them from the group."))
    with transaction.atomic():
        suspension = Suspension.objects.create(
            member=member, reason=reason, ends_at=ends_at, created_by=moderator
        )
        ModerationEvent.objects.create(
            member=member,
            actor=moderator,
            action=ModerationEvent.Action.SUSPENDED,
            reason=reason,
        )
    return suspension


def member_unsuspend(*, member, moderator) -> bool:
    """Lift every suspension in force; False when there was none."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    with transaction.atomic():
        lifted = Suspension.objects.active().filter(member=member).update(lifted_at=timezone.now())
        if lifted:
            ModerationEvent.objects.create(
                member=member, actor=moderator, action=ModerationEvent.Action.UNSUSPENDED
            )
    return bool(lifted)
