"""The "Moderation (N waiting)" link in the site header and on the admin index.

Whether the viewer moderates is kept in their session, written when they sign in (and put
right whenever a moderation page checks their permission), so members' pages ask the database
nothing for it; the count comes from the shared cache (comments.waiting). The link is only a
way in: every moderation page checks the permission on the server, on every request."""

from comments.models import is_moderator
from comments.waiting import waiting_count

SESSION_KEY = "comments_moderator"


def moderation_queue(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.session.get(SESSION_KEY):
        return {}
    return {"moderation_waiting": waiting_count()}


def remember_moderator(request, moderates: bool) -> None:
    """Keep the session's answer in step with the permission (a write only when it changed)."""
    if hasattr(request, "session") and request.session.get(SESSION_KEY, False) != moderates:
        request.session[SESSION_KEY] = moderates


def on_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver, whichever way the member signed in (provider, admin, tests)."""
    if request is not None:
        remember_moderator(request, is_moderator(user))
