"""Postgres going away under a real gunicorn: nothing acknowledged is lost, outages are quick
styled 503s, and the site comes back by itself."""

import threading
import time
import uuid
from http import HTTPStatus

import pytest

from tests.faults.conftest import Visitor, is_styled_503

pytestmark = pytest.mark.faults

POSTERS = 8
MEMBERS_PER_POSTER = 30  # each may post 5 comments per 10 minutes (COMMENTS_RATE_LIMIT)


def acknowledged(answer) -> bool:
    return answer.status is not None and 200 <= answer.status < 400


def test_comments_acknowledged_while_postgres_restarts_are_all_stored(site):
    info = site.members(POSTERS * MEMBERS_PER_POSTER)
    sessions = info["sessions"]
    server = site.gunicorn(workers=2, threads=4)
    stop = threading.Event()
    ready = threading.Barrier(POSTERS + 1, timeout=120)
    posts, reads = [], []

    def poster(number: int) -> None:
        members = sessions[number * MEMBERS_PER_POSTER : (number + 1) * MEMBERS_PER_POSTER]
        visitors = [Visitor(server.port, session_key=key) for key in members]
        for visitor in visitors:
            assert visitor.get(info["essay"]).status == HTTPStatus.OK  # the form, its CSRF token
        ready.wait()
        sent = 0
        while not stop.is_set():
            sent += 1
            body = f"fault-restart {number}-{sent}"
            data = {"body": body, "token": str(uuid.uuid4())}
            answer = visitors[sent % len(visitors)].post(info["post_url"], data)
            posts.append((time.monotonic(), answer, body))
            if not acknowledged(answer):
                time.sleep(0.1)  # as a person would, before trying again

    def reader() -> None:
        visitor = Visitor(server.port)
        while not stop.is_set():
            started = time.monotonic()
            reads.append((started, visitor.get(info["essay"])))
            time.sleep(0.05)

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(POSTERS)]
    try:
        for thread in threads:
            thread.start()
        ready.wait()
        threads.append(threading.Thread(target=reader))
        threads[-1].start()
        time.sleep(3)
        site.postgres.stop()
        down_at = time.monotonic()
        time.sleep(3)
        starting_at = time.monotonic()
        site.postgres.start()
        back_at = time.monotonic()
        time.sleep(6)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        server.stop()

    answers = [answer for _, answer, _ in posts] + [answer for _, answer in reads]
    statuses = {answer.status for answer in answers}
    assert statuses <= {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.SERVICE_UNAVAILABLE}, statuses
    unavailable = [answer for answer in answers if answer.status == 503]
    assert unavailable, "the outage was not seen at all"
    assert all(is_styled_503(answer) for answer in unavailable)
    outage_reads = [
        answer for at, answer in reads if down_at < at and at + answer.seconds < starting_at
    ]
    assert outage_reads and all(answer.status == 503 for answer in outage_reads)
    assert max(answer.seconds for answer in outage_reads) < 1.0

    acked = {body for _, answer, body in posts if acknowledged(answer)}
    stored = site.stored_bodies("fault-restart ")
    assert acked <= stored, f"acknowledged but lost: {sorted(acked - stored)}"
    assert any(at > back_at for at, answer, _ in posts if acknowledged(answer))
    recovered_at = min(at for at, answer in reads if at > back_at and answer.status == 200)
    assert recovered_at - back_at < 10


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


def test_exhausted_pool_answers_a_styled_503_instead_of_hanging(site):
    pool = {"DATABASE_POOL_MIN_SIZE": "1", "DATABASE_POOL_MAX_SIZE": "1"}
    server = site.gunicorn(workers=1, threads=3, env={**pool, "DATABASE_POOL_TIMEOUT": "2"})
    blocked = []
    try:
        assert Visitor(server.port).get("/").status == HTTPStatus.OK
        # The essays table is locked: a first reader waits on it, holding the only connection.
        with site.postgres.connect(site.database) as locker, locker.transaction():
            locker.execute("LOCK TABLE blog_post IN ACCESS EXCLUSIVE MODE")
            first = threading.Thread(target=lambda: blocked.append(Visitor(server.port).get("/")))
            first.start()
            time.sleep(0.5)
            second = Visitor(server.port).get("/")
            assert not blocked, "the first reader was not held by the lock"
        first.join(10)
        after = Visitor(server.port).get("/")
    finally:
        server.stop()
    assert is_styled_503(second)
    assert second.seconds < 3.5  # the pool timeout (2 s), not a hang
    assert blocked[0].status == HTTPStatus.OK
    assert after.status == HTTPStatus.OK
