"""A process's mirror of the page cache's small keys (config.cache_mirror), on a real Redis: it
answers without asking Redis, and never answers with a value Redis no longer holds."""

import os
import signal
import time

import pytest
from django.core.cache import caches

from config import cache_mirror
from config.cache_mirror import mirrored_many
from tests.servers import RedisServer, redis_caches

KEY = "pages:version:essay:on-stewardship"


@pytest.fixture
def redis(settings):
    # DEBUG allowed from the loopback: one test stops Redis deleting expired keys by itself.
    server = RedisServer(options=("--enable-debug-command", "local"))
    # "limits" is another pool on the same Redis: its writes come as another process's would.
    settings.CACHES = redis_caches(server.url)
    yield server
    server.process.send_signal(signal.SIGCONT)  # if a test left it paused
    server.stop()


def commands_run(server, command: str) -> int:
    stats = caches["limits"].client.get_client().info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


def mirrored(key: str = KEY):
    found = mirrored_many([key])
    return "not trusted" if found is None else found.get(key, "absent")


def test_a_key_read_once_is_answered_again_without_asking_redis(redis):
    caches["default"].set(KEY, "v1", None)
    assert mirrored() == "v1"
    reads = commands_run(redis, "mget")

    assert [mirrored() for _ in range(50)] == ["v1"] * 50

    assert commands_run(redis, "mget") == reads


def test_a_write_by_another_process_is_seen_by_the_very_next_read(redis):
    other = caches["limits"]
    seen = []
    for version in range(200):
        other.set(KEY, f"v{version}", None)
        seen.append(mirrored())
        seen.append(mirrored())  # the second from the mirror, until the next write
    assert seen == [f"v{version}" for version in range(200) for _ in (1, 2)]


def test_a_key_found_missing_is_seen_once_written_and_gone_once_deleted_or_flushed(redis):
    other = caches["limits"]
    assert mirrored() == "absent"
    other.set(KEY, "written", None)
    assert mirrored() == "written"
    other.delete(KEY)
    assert mirrored() == "absent"
    other.set(KEY, "again", None)
    assert mirrored() == "again"
    other.client.get_client().flushdb()
    assert mirrored() == "absent"


def test_a_key_is_not_answered_past_its_expiry(redis):
    raw = caches["limits"].client.get_client()
    # Redis deletes an expired key (and says so) when it next looks: late, with many keys.
    raw.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    raw.set(caches["default"].make_key(KEY), caches["default"].client.encode("brief"), px=300)
    assert mirrored() == "brief"
    time.sleep(0.4)  # expired, not yet deleted: the mirror knows the deadline itself
    assert mirrored() == "absent"


def test_a_redis_that_stops_answering_is_not_trusted_for_long(redis):
    caches["default"].set(KEY, "before the pause", None)
    assert mirrored() == "before the pause"
    os.kill(redis.process.pid, signal.SIGSTOP)
    try:
        # Nothing can tell the mirror what changes meanwhile (a network dropping packets): its
        # copy is given up once Redis has not answered its PING for TRUST_SECONDS.
        time.sleep(cache_mirror.PING_SECONDS + 0.05)
        mirrored()  # sends the PING that goes unanswered
        time.sleep(cache_mirror.TRUST_SECONDS + 0.05)
        assert mirrored() == "not trusted"
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)


def test_a_restarted_redis_never_gets_the_old_value_served_and_the_mirror_comes_back(redis):
    caches["default"].set(KEY, "old", None)
    assert mirrored() == "old"

    redis.stop()
    redis.start()  # empty, on the same port
    caches["limits"].set(KEY, "new", None)

    assert mirrored() in ("not trusted", "new")
    time.sleep(cache_mirror.RETRY_SECONDS + 0.1)
    assert mirrored() in ("not trusted", "new")  # connects again; trusted from the next read
    assert mirrored() == "new"
    reads = commands_run(redis, "mget")
    assert mirrored() == "new"
    assert commands_run(redis, "mget") == reads  # answered by the mirror again


def test_a_redis_refusing_client_tracking_is_asked_every_time_as_without_a_mirror(settings):
    from config.page_cache import kept_with_versions, version_key

    server = RedisServer(options=("--rename-command", "CLIENT", ""))  # as some hosted ones do
    try:
        settings.CACHES = redis_caches(server.url)
        caches["limits"].set(version_key("site"), "v1", None)
        assert [mirrored(version_key("site")) for _ in range(3)] == ["not trusted"] * 3

        caches["limits"].set(version_key("site"), "v2", None)
        assert kept_with_versions("pages:page:absent", ["site"]) == (
            None,
            {version_key("site"): "v2"},
        )
    finally:
        server.stop()


@pytest.mark.django_db
def test_a_members_thread_is_answered_by_the_mirror_and_a_new_comment_shows_at_once(redis):
    from tests.factories import make_comment, make_post, make_user, signed_in

    post = make_post()
    make_comment(post=post, body="The first thought.")
    client = signed_in(make_user())
    url = post.get_absolute_url()
    client.get(url)  # the page's skeleton and the public thread are kept
    client.get(url)  # and read once through the mirror
    reads = commands_run(redis, "mget")

    assert "The first thought." in client.get(url).text
    assert commands_run(redis, "mget") == reads

    make_comment(post=post, body="A second one.")
    assert "A second one." in client.get(url).text
