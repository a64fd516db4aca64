"""A web process's own copy of the page cache's small keys, kept true by Redis itself.

An anonymous hit needs only the page's entry and its scopes' versions (config.page_cache), a few
hundred bytes that change when someone writes: the round trip to Redis for them was two thirds of
the CPU a hit cost. Redis's client-side caching (CLIENT TRACKING, in broadcast mode over a
subscribed connection: Redis 6 and later, RESP2) tells each process which keys under the tracked
prefixes changed; the process keeps what it read until Redis says it changed, and asks again.

Freshness: Redis queues the invalidation for a write before it answers the writer (the same pass
of its event loop sends both), so once the moderator's request that made a change has returned,
every process finds the invalidation waiting on its socket, and reads it before answering from
its copy. Each lookup drains the socket first (one non-blocking read, no round trip).

Faults: a copy is trusted only while Redis has answered a PING sent on the listening connection
within TRUST_SECONDS (a network that drops packets silently would otherwise leave it trusted); a
closed or failed connection, a FLUSHDB, an evicted or expired key drop what they concern. Without
a trusted copy, lookups go to Redis as before (None here: the caller asks the cache itself).
"""

import contextlib
import logging
import os
import threading
from time import monotonic

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

# Keys under these prefixes (before the cache's own key prefix and version) are mirrored. The
# public thread's entries (comments.thread: the digest of its HTML) are as small, and read on
# every member's essay page.
MIRRORED = ("pages:version:", "pages:page:", "pages:skeleton:", "comments:public-thread-spans:")
TRUST_SECONDS = 0.5  # a copy older than the last PING Redis answered by this much is not used
PING_SECONDS = 0.1  # while busy, a PING at most this often keeps the copy trusted
RETRY_SECONDS = 1.0  # after the listening connection failed, try again after this long
KEYS_KEPT = 10_000  # bounded whatever addresses are asked for
_ABSENT = object()


class _Mirror:
    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.connection = None
        self.failed_at = float("-inf")
        self.entries: dict[str, tuple[object, float]] = {}  # key -> (value or _ABSENT, until)
        self.drops = 0  # how many invalidations were read: a read that saw one is not kept
        self.confirmed_at = float("-inf")  # when the last PING Redis answered was sent
        self.pings: dict[bytes, float] = {}  # PINGs not answered yet -> when sent
        self.pinged_at = float("-inf")

    def get_many(self, keys: list[str]) -> dict | None:
        """The values of these keys as cache.get_many gives them, or None (ask the cache)."""
        backend = caches["default"]
        made = {key: backend.make_key(key) for key in keys}
        with self.lock:
            if not self._trusted():
                return None
            now = monotonic()
            found, missing = {}, False
            for key, made_key in made.items():
                value, until = self.entries.get(made_key, (_ABSENT, 0.0))
                if until <= now:
                    missing = True
                    break
                if value is not _ABSENT:
                    found[key] = value
            if not missing:
                return found
            drops_before = self.drops
        values = self._read(list(made.values()))
        if values is None:
            return None
        with self.lock:
            if self.connection is not None and self._drained() and self.drops == drops_before:
                if len(self.entries) + len(values) > KEYS_KEPT:
                    self.entries.clear()
                self.entries.update(values)
        return {key: values[made[key]][0] for key in keys if values[made[key]][0] is not _ABSENT}

    def _read(self, made_keys: list[str]) -> dict | None:
        """Each key's value (or _ABSENT) and until when it may be kept, in one round trip."""
        try:
            backend = caches["default"]
            client = backend.client.get_client(write=False)
            pipeline = client.pipeline(transaction=False)
            pipeline.mget(made_keys)
            for made_key in made_keys:
                pipeline.pttl(made_key)
            raw_values, *lives = pipeline.execute()
        except Exception:  # the cache's own get_many reports and handles it
            return None
        now = monotonic()
        values = {}
        for made_key, raw, life in zip(made_keys, raw_values, lives, strict=True):
            until = now + life / 1000 if life >= 0 else float("inf")
            values[made_key] = (_ABSENT if raw is None else backend.client.decode(raw), until)
        return values

    def _trusted(self) -> bool:
        if self.connection is None and not self._connect():
            return False
        if not self._drained():
            return False
        try:
            now = monotonic()
            if now - self.pinged_at > PING_SECONDS:
                token = str(now).encode()
                self.connection.send_command("PING", token)
                self.pings[token] = self.pinged_at = now
            if self.pings and min(self.pings.values()) < now - 2 * TRUST_SECONDS:
                raise ConnectionError("Redis did not answer the mirror's PING")
        except Exception as error:
            self._lost(error)
            return False
        return monotonic() - self.confirmed_at < TRUST_SECONDS

    def _connect(self) -> bool:
        if monotonic() - self.failed_at < RETRY_SECONDS:
            return False
        import redis

        client = redis.Redis.from_url(
            self.url, protocol=2, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        connection = client.connection_pool.make_connection()
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            prefixes = []
            for prefix in MIRRORED:
                prefixes += ["PREFIX", caches["default"].make_key(prefix)]
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", *prefixes
            )
            connection.read_response()
            sent_at = monotonic()
            connection.send_command("SUBSCRIBE", "__redis__:invalidate")
            connection.read_response()
        except redis.ResponseError as error:
            # A Redis older than 6, or one that refuses CLIENT (some hosted ones): it will not
            # change its mind, so this process asks it every time, as without a mirror.
            connection.disconnect()
            self.failed_at = float("inf")
            logger.warning("page cache mirror off: Redis refused client tracking (%s)", error)
            return False
        except Exception as error:
            connection.disconnect()
            self.failed_at = monotonic()
            logger.info("page cache mirror off for now: %s", error)
            return False
        # The client holds the pool the connection was made from.
        self.client, self.connection, self.confirmed_at = client, connection, sent_at
        return True

    def _drained(self) -> bool:
        """Apply what Redis sent since the last look (invalidations, PING answers): whether the
        connection is still good."""
        try:
            self._drain()
        except Exception as error:
            self._lost(error)
            return False
        return True

    def _drain(self) -> None:
        while self.connection.can_read(timeout=0):
            message = self.connection.read_response()
            kind = message[0]
            if kind == b"message":
                self.drops += 1
                keys = message[2]
                if keys is None:  # FLUSHDB, FLUSHALL
                    self.entries.clear()
                else:
                    for key in keys:
                        self.entries.pop(key.decode(), None)
            elif kind == b"pong":
                sent_at = self.pings.pop(message[1], None)
                if sent_at is not None:
                    self.confirmed_at = max(self.confirmed_at, sent_at)

    def _lost(self, error) -> None:
        logger.warning("page cache mirror lost its connection to Redis: %s", error)
        with contextlib.suppress(Exception):  # already broken: closing is all that is left
            self.connection.disconnect()
        self.connection, self.failed_at = None, monotonic()
        self.entries.clear()
        self.pings.clear()
        self.pinged_at = float("-inf")
        self.drops += 1


_mirror: _Mirror | None = None
_setup_lock = threading.Lock()


def forget_mirrored(keys) -> None:
    """Drop these keys from this process's copy: it has just written them. (Redis's word comes
    too, and has always come first when measured; this does not rely on it.)"""
    mirror = _mirror
    if mirror is not None:
        backend = caches["default"]
        with mirror.lock:
            for key in keys:
                mirror.entries.pop(backend.make_key(key), None)
            mirror.drops += 1


def mirrored_many(keys: list[str]) -> dict | None:
    """cache.get_many(keys) from this process's copy where it can be trusted, else None (the
    caller asks the cache). All keys must fall under MIRRORED."""
    global _mirror
    shared = settings.CACHES["default"]
    if shared["BACKEND"] != "django_redis.cache.RedisCache":  # process memory: nothing to mirror
        return None
    url = shared["LOCATION"]
    # A forked child does not share its parent's connection: it makes its own mirror.
    if _mirror is None or _mirror.url != url or _mirror.pid != os.getpid():
        with _setup_lock:
            if _mirror is None or _mirror.url != url or _mirror.pid != os.getpid():
                _mirror = _Mirror(url)
    return _mirror.get_many(keys)
