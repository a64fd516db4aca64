"""How long a sign-in lasts: members two weeks (SESSION_COOKIE_AGE), staff ADMIN_SESSION_SECONDS.
Where sessions are kept: Django's database sessions (SESSION_ENGINE), read a little faster."""

import functools

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils import timezone

from config.database.compiled import (
    NOW_STAND_IN,
    TEXT_STAND_IN,
    Statement,
    compile_instances,
    fetch_instance,
)

_KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    """Django's database sessions, the same rows: every request of a signed-in member reads its
    session first, with the one statement compiled once per process and prepared once per
    connection (config.database.compiled) rather than built by the ORM each time."""

    def _validate_session_key(self, key):
        # Only keys this store could have made (as Django makes them: its VALID_KEY_CHARS, at
        # most the column's 40): any other is no session, asked of no database (a NUL, which
        # cookie quoting lets through, made Postgres refuse the statement: a 500).
        return bool(
            super()._validate_session_key(key) and len(key) <= 40 and set(key) <= _KEY_CHARACTERS
        )

    def _get_session_from_db(self):
        values = {TEXT_STAND_IN: self.session_key, NOW_STAND_IN: timezone.now()}
        session = fetch_instance(_session_statement(), values)
        if session is None:
            self._session_key = None  # as Django's: unknown or expired, a new one is started
        return session


@functools.cache
def _session_statement() -> Statement:
    current = db.SessionStore.get_model_class().objects.filter(expire_date__gt=NOW_STAND_IN)
    return compile_instances(current.filter(session_key=TEXT_STAND_IN).order_by()[:1])


def limit_staff_session(sender, request, user, **kwargs):
    """user_logged_in receiver: a staff session ends sooner, whichever way staff signed in.

    A signal rather than the admin login view, so that a staff member who also has a social
    account gets the short session there too.
    """
    if user.is_staff and request is not None and hasattr(request, "session"):
        request.session.set_expiry(settings.ADMIN_SESSION_SECONDS)
