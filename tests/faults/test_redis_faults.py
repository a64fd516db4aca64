"""Redis going away: pages keep serving, comments are kept, the admin login fails closed."""

import os
import re
import signal
import uuid
from http import HTTPStatus

import pytest

from tests.faults.site import Visitor
from tests.servers import RedisServer, manage

pytestmark = pytest.mark.faults


def post_comment(member: Visitor, info: dict, body: str):
    return member.post(info["post_url"], {"body": body, "token": str(uuid.uuid4())})


def admin_login(port: int):
    visitor = Visitor(port)
    visitor.get("/admin/login/")
    return visitor.post("/admin/login/", {"username": "nobody", "password": "wrong"})


def test_site_reads_and_writes_on_while_redis_is_down_and_after_it_restarts(site):
    redis = RedisServer()
    server = site.gunicorn(workers=2, env={"REDIS_URL": redis.url})
    info = site.members(1)
    member = Visitor(server.port, session_key=info["sessions"][0])
    reader = Visitor(server.port)
    try:
        assert member.get(info["essay"]).status == HTTPStatus.OK
        assert post_comment(member, info, "fault-redis before").status == HTTPStatus.FOUND
        assert reader.get(info["essay"]).status == HTTPStatus.OK  # the thread is cached now

        redis.stop()
        down_pages = [reader.get(path) for path in ["/", info["essay"], "/feed/"]]
        down_post = post_comment(member, info, "fault-redis while down")
        down_login = admin_login(server.port)

        redis.start()
        back_pages = [reader.get(path) for path in ["/", info["essay"]]]
        back_post = post_comment(member, info, "fault-redis after")
        back_login = admin_login(server.port)
    finally:
        server.stop()
        redis.stop()

    assert [page.status for page in down_pages] == [HTTPStatus.OK] * 3
    assert max(page.seconds for page in down_pages) < 2
    assert down_post.status == HTTPStatus.FOUND
    # Without its rate limit store the admin login checks no password at all.
    assert down_login.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert "unavailable for a moment" in down_login.body
    assert [page.status for page in back_pages] == [HTTPStatus.OK] * 2
    assert back_post.status == HTTPStatus.FOUND
    assert back_login.status == HTTPStatus.OK
    assert re.search(r"correct username and password", back_login.body)
    assert site.stored_bodies("fault-redis ") == {
        "fault-redis before",
        "fault-redis while down",
        "fault-redis after",
    }


MAKE_MODERATOR = """
import importlib
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from accounts.models import User
session = importlib.import_module(settings.SESSION_ENGINE).SessionStore("{session_key}")
User.objects.get(pk=session[SESSION_KEY]).groups.add(Group.objects.get(name="Moderators"))
session["comments_moderator"] = True
session.save()
"""


def test_a_redis_that_stops_answering_holds_no_page_up_for_long(site):
    # A Redis that accepts connections but answers nothing (paused, or a network that drops
    # packets): each command waits out the socket timeout (0.5 s), and an essay page asks the
    # cache a dozen times or more.
    redis = RedisServer()
    server = site.gunicorn(workers=1, threads=2, env={"REDIS_URL": redis.url})
    info = site.members(2)
    # The second member moderates (as a sign-in by a moderator leaves the session).
    manage(site.env, "shell", "-c", MAKE_MODERATOR.format(session_key=info["sessions"][1]))
    viewers = {
        "reader": Visitor(server.port),
        "member": Visitor(server.port, session_key=info["sessions"][0]),
        "moderator": Visitor(server.port, session_key=info["sessions"][1]),
    }
    try:
        for viewer in viewers.values():
            assert viewer.get(info["essay"]).status == HTTPStatus.OK
        assert "Moderation (" in viewers["moderator"].get(info["essay"]).body
        os.kill(redis.process.pid, signal.SIGSTOP)
        paused = {name: viewer.get(info["essay"]) for name, viewer in viewers.items()}
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
        server.stop()
        redis.stop()

    timings = {name: (page.status, round(page.seconds, 2)) for name, page in paused.items()}
    assert {page.status for page in paused.values()} == {HTTPStatus.OK}, timings
    # One command waits out the timeout; the others do not ask again (over 10 s each, before).
    assert max(page.seconds for page in paused.values()) < 2, timings
