"""A psycopg pool that notices a restarted or vanished Postgres at once.

psycopg_pool's own `check` (what Django's CONN_HEALTH_CHECKS turns on) runs inside getconn():
each idle connection that fails it is thrown away and the next one is tried after a back-off
sleep of 1 s, then 2 s, 4 s… After a restart, failover or pg_terminate_backend *every* idle
connection is dead, so the first request after it waits out the whole pool timeout and gets a
503. And while the server is down, every request waits that timeout before its 503.

This pool checks each connection it hands out itself (one round trip, as that check does), and:
- on a dead one it drains the pool: all idle connections share the dead one's fate, so they are
  replaced at once by fresh ones instead of being discovered one sleep at a time;
- when no connection comes within FAST_WAIT_SECONDS it asks the server directly with a new
  connection; if that fails too the server is down, and the request fails now (a 503 within a
  second) rather than after the pool timeout. If it answers, the pool is just busy: the request
  waits out the rest of the timeout as usual (pool exhaustion is a 503 after it, never a hang).
"""

import logging
import threading
from time import monotonic

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

logger = logging.getLogger(__name__)

FAST_WAIT_SECONDS = 0.3
# One probe answers for every thread of the process for this long: a busy pool must not turn
# into a storm of probing connections on a busy server.
PROBE_VALID_SECONDS = 1.0


class ServerAwarePool(ConnectionPool):
    def __init__(self, *args, check=None, **kwargs):
        # Django passes ConnectionPool.check_connection as `check` when CONN_HEALTH_CHECKS is on;
        # this pool always checks, without the parent's back-off loop, so it takes the callback
        # over and gives the parent none.
        self._alive_check = check or ConnectionPool.check_connection
        self._probe_lock = threading.Lock()
        self._server_up_at = float("-inf")
        super().__init__(*args, check=None, **kwargs)

    def getconn(self, timeout: float | None = None):
        deadline = monotonic() + (self.timeout if timeout is None else timeout)
        probed = False
        while True:
            wait = deadline - monotonic()
            if not probed:
                wait = min(wait, FAST_WAIT_SECONDS)
            try:
                conn = super().getconn(timeout=max(wait, 0.001))
            except PoolTimeout:
                if probed or monotonic() >= deadline:
                    raise
                self._raise_unless_server_answers()
                probed = True
                continue
            if self._is_alive(conn):
                return conn
            logger.warning("dropping the idle database connections: one was found broken")
            self.drain()
            self.putconn(conn)  # broken: closed and replaced by the pool

    def _is_alive(self, conn) -> bool:
        try:
            self._alive_check(conn)
        except psycopg.Error:
            return False
        return True

    def _raise_unless_server_answers(self) -> None:
        """Raise psycopg.OperationalError if a new connection to the server fails now."""
        with self._probe_lock:
            if monotonic() - self._server_up_at < PROBE_VALID_SECONDS:
                return
            params = {**self.kwargs, "connect_timeout": 2}  # libpq's shortest
            with psycopg.connect(self.conninfo, **params):
                pass
            self._server_up_at = monotonic()
        # The server answers but the pool gave nothing: it is busy, or its reconnection
        # attempts are still backing off after an outage. check() starts growing an empty pool.
        self.check()
