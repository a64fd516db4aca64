"""How long a sign-in lasts: members two weeks (SESSION_COOKIE_AGE), staff ADMIN_SESSION_SECONDS."""

from django.conf import settings


def limit_staff_session(sender, request, user, **kwargs):
    """user_logged_in receiver: a staff session ends sooner, whichever way staff signed in.

    A signal rather than the admin login view, so that a staff member who also has a social
    account gets the short session there too.
    """
    if user.is_staff and request is not None and hasattr(request, "session"):
        request.session.set_expiry(settings.ADMIN_SESSION_SECONDS)
