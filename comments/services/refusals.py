"""Why a write to comments is refused, and the refusals every write shares (a suspended member,
a text that cannot be posted): posting, members' edits, moderators' redactions and reports
raise the same exception, which views turn into a message and an HTTP status."""

from http import HTTPStatus

from django.utils.translation import gettext as _

from accounts.models import is_invisible
from comments.conf import setting
from comments.suspensions import active_suspension, suspension_notice


class CommentRefused(Exception):
    """A submission that was not stored, with a message for the member and an HTTP status."""

    def __init__(self, message: str, *, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.message = message
        self.status = status


class EssayNotFound(Exception):
    """No published essay has the id a comment was posted to (the view answers 404)."""


def refuse_if_suspended(member) -> None:
    """A suspended member reads, but does not post, edit, reply or report: say why."""
    suspension = active_suspension(member)
    if suspension is not None:
        raise CommentRefused(suspension_notice(suspension), status=HTTPStatus.FORBIDDEN)


def validate_body(body: str) -> str:
    """The text a member may post: not blank, no NUL characters, not over the limit."""
    if "\x00" in body:
        raise CommentRefused(_("The text contains a NUL character, which cannot be stored."))
    if is_invisible(body):  # blank, or only zero-width and other invisible characters
        raise CommentRefused(_("Please write something before posting."))
    limit = setting("COMMENTS_MAX_LENGTH")
    if len(body) > limit:
        raise CommentRefused(
            _("Comments can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": limit, "length": len(body)}
        )
    return body
