"""Redis connections that stop asking a Redis that has just failed to answer, for a moment.

A Redis that accepts connections but answers nothing (paused, overloaded, a network dropping
packets) costs each command the whole socket timeout, and an essay page asks the cache a dozen
times or more: 0.5 s each made a reader's page take over 10 s. After a command times out waiting
for an answer, every command of this process fails at once for BREAK_SECONDS (the cache then answers
"not cached" as when Redis is down; the "limits" alias raises, as it does then), and the first
one after that asks Redis again.
"""

import threading
from contextlib import contextmanager
from time import monotonic

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

BREAK_SECONDS = 2.0

_lock = threading.Lock()
_failed_at = float("-inf")


def _refuse_while_broken() -> None:
    if monotonic() - _failed_at < BREAK_SECONDS:
        raise RedisConnectionError("Redis did not answer a moment ago: not asked again yet")


@contextmanager
def _noting_failures():
    global _failed_at
    try:
        yield
    except RedisTimeoutError:  # a refused connection costs nothing: Redis is asked again at once
        with _lock:
            _failed_at = monotonic()
        raise


class _GivingUp:
    def connect(self):
        _refuse_while_broken()
        with _noting_failures():
            return super().connect()

    def send_packed_command(self, command, check_health=True):
        _refuse_while_broken()
        with _noting_failures():
            return super().send_packed_command(command, check_health)

    def read_response(self, *args, **kwargs):
        with _noting_failures():
            return super().read_response(*args, **kwargs)


class GivingUpConnection(_GivingUp, redis.Connection):
    """redis-py's connection, failing fast for a moment after Redis failed to answer."""


class GivingUpSSLConnection(_GivingUp, redis.SSLConnection):
    """The same over TLS (a rediss:// address)."""


def pool_options(url: str) -> dict:
    """django-redis's CONNECTION_POOL_KWARGS for this Redis address: the connection class that
    fits its scheme (one given here replaces the one redis-py would pick from the address)."""
    scheme = url.partition("://")[0].lower()
    found = {"redis": GivingUpConnection, "rediss": GivingUpSSLConnection}.get(scheme)
    return {"connection_class": found} if found else {}
