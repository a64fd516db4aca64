"""Postgres going away under a real gunicorn: nothing acknowledged is lost, outages are quick
styled 503s, and the site comes back by itself."""

import threading
from http import HTTPStatus

import pytest

from tests.faults.site import Visitor, is_styled_503, restart_under_load
from tests.servers import wait_for

pytestmark = pytest.mark.faults


def test_comments_acknowledged_while_postgres_restarts_are_all_stored(site):
    server = site.gunicorn(workers=2, threads=4)
    try:
        run = restart_under_load(site, server, posters=8, phases_end_once_seen=True)
    finally:
        server.stop()

    statuses = {answer.status for answer in run.answers()}
    assert statuses <= {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.SERVICE_UNAVAILABLE}, statuses
    unavailable = [answer for answer in run.answers() if answer.status == 503]
    assert unavailable, "the outage was not seen at all"
    assert all(is_styled_503(answer) for answer in unavailable)
    outage_reads = run.outage_reads()
    assert outage_reads and all(answer.status == 503 for answer in outage_reads)
    assert max(answer.seconds for answer in outage_reads) < 1.0

    acknowledged = run.acknowledged_bodies()
    stored = site.stored_bodies("fault-restart ")
    assert acknowledged <= stored, f"acknowledged but lost: {sorted(acknowledged - stored)}"
    assert any(at > run.back_at for at, answer, body in run.posts if body in acknowledged)
    assert run.seconds_to_recover() < 10


def test_next_request_after_connections_are_killed_is_served_at_once(site):
    server = site.gunicorn(workers=2, threads=2)
    visitor = Visitor(server.port)
    try:
        for _ in range(10):  # every worker's pool holds connections
            assert visitor.get("/").status == HTTPStatus.OK
        assert site.terminate_connections() >= 1
        answers = [visitor.get("/") for _ in range(6)]
    finally:
        server.stop()
    assert [answer.status for answer in answers] == [HTTPStatus.OK] * 6
    assert max(answer.seconds for answer in answers) < 1.0


def waiting_on_a_lock(site) -> bool:
    with site.postgres.connect() as conn:
        waiting = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [site.database],
        ).fetchone()[0]
    return waiting > 0


def test_exhausted_pool_answers_a_styled_503_instead_of_hanging(site):
    pool = {"DATABASE_POOL_MIN_SIZE": "1", "DATABASE_POOL_MAX_SIZE": "1"}
    server = site.gunicorn(workers=1, threads=3, env={**pool, "DATABASE_POOL_TIMEOUT": "2"})
    blocked = []
    try:
        assert Visitor(server.port).get("/").status == HTTPStatus.OK
        # The essays table is locked: a first reader waits on it, holding the only connection.
        with site.postgres.connect(site.database) as locker, locker.transaction():
            locker.execute("LOCK TABLE blog_post IN ACCESS EXCLUSIVE MODE")
            # New addresses: a page from the page cache would not need a connection.
            first = threading.Thread(
                target=lambda: blocked.append(Visitor(server.port).get("/?reader=1"))
            )
            first.start()
            wait_for(
                lambda: waiting_on_a_lock(site),
                seconds=10,
                what="the first reader did not wait on the lock",
            )
            second = Visitor(server.port).get("/?reader=2")
            assert not blocked, "the first reader was not held by the lock"
        first.join(10)
        after = Visitor(server.port).get("/")
    finally:
        server.stop()
    assert is_styled_503(second)
    assert second.seconds < 3.5  # the pool timeout (2 s), not a hang
    assert blocked[0].status == HTTPStatus.OK
    assert after.status == HTTPStatus.OK
