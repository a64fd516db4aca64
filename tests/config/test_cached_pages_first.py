"""The WSGI application answers page-cache hits before Django's request handling: the same
bytes and headers as Django's own answer, no query, no request signals; anything else (a
session, a bad Host, a stale page) still goes through Django."""

import io
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from comments import services as comments
from comments.models import Comment
from config.wsgi import application
from tests.factories import make_comment, make_moderator, make_post, make_user

pytestmark = pytest.mark.django_db


def wsgi_get(path, method="GET", host="testserver", **headers):
    """Call the production WSGI application as gunicorn would: (status, headers, body)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }
    started = []
    # As Django's test client does: the test's transaction must survive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = application(environ, lambda status, headers: started.extend([status, headers]))
        content = b"".join(body)
        getattr(body, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started[0], dict(started[1]), content


@pytest.fixture
def django_requests():
    """How many requests reached Django's request handling."""
    seen = []

    def count(**kwargs):
        seen.append(1)

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


@pytest.fixture
def essay():
    post = make_post(title="On Bridges")
    make_comment(post=post, body="A fine point about arches.")
    return post


def test_a_cached_page_is_answered_before_django_with_djangos_bytes_and_headers(
    client, essay, django_requests, django_assert_num_queries
):
    url = essay.get_absolute_url()
    client.get(url)  # stored by the middleware
    from_django = client.get(url)
    django_requests.clear()

    with django_assert_num_queries(0):
        status, headers, body = wsgi_get(url)

    assert status == "200 OK"
    assert not django_requests
    assert body == from_django.content
    assert b"A fine point about arches." in body
    assert headers["Content-Length"] == str(len(body))
    for name in ("Content-Type", "ETag", "Cache-Control", "Vary", "Content-Security-Policy"):
        assert headers[name] == from_django[name]
    assert "Set-Cookie" not in headers


def test_a_readers_current_copy_gets_304_and_head_gets_no_body(client, essay, django_requests):
    url = essay.get_absolute_url()
    client.get(url)
    status, headers, body = wsgi_get(url)
    django_requests.clear()

    not_modified = wsgi_get(url, if_none_match=headers["ETag"])
    head = wsgi_get(url, method="HEAD")

    assert not_modified[0] == "304 Not Modified"
    assert not_modified[2] == b""
    assert not_modified[1]["ETag"] == headers["ETag"]
    assert head[0] == "200 OK" and head[2] == b""
    assert head[1]["Content-Length"] == str(len(body))
    assert not django_requests


def test_a_member_a_stale_page_and_a_bad_host_go_through_django(client, essay, django_requests):
    url = essay.get_absolute_url()
    client.get(url)
    member = make_user()
    client.force_login(member)
    session = client.cookies["sessionid"].value
    django_requests.clear()

    members_page = wsgi_get(url, cookie=f"sessionid={session}")
    bad_host = wsgi_get(url, host="evil.example")

    assert len(django_requests) == 2
    assert members_page[0] == "200 OK"
    assert members_page[1]["Cache-Control"].startswith("private")
    assert bad_host[0].startswith("400")


def test_a_readers_other_cookies_are_no_session_but_a_session_among_them_is(
    client, essay, django_requests
):
    url = essay.get_absolute_url()
    client.get(url)
    client.force_login(make_user())
    session = client.cookies["sessionid"].value
    django_requests.clear()

    reader = wsgi_get(url, cookie="theme=dark; consent=yes")
    assert (reader[0], len(django_requests)) == ("200 OK", 0)
    member = wsgi_get(url, cookie=f"theme=dark; sessionid={session}; consent=yes")
    assert len(django_requests) == 1
    assert member[1]["Cache-Control"].startswith("private")


def test_a_host_no_longer_allowed_is_refused_though_its_pages_were_answered(
    client, essay, settings
):
    url = essay.get_absolute_url()
    client.get(url)
    assert wsgi_get(url)[0] == "200 OK"  # answered in front: its address is known

    settings.ALLOWED_HOSTS = ["lectern.example"]

    assert wsgi_get(url)[0].startswith("400")


def test_a_bad_host_is_a_400_not_a_500_for_readers_too(client, essay):
    url = essay.get_absolute_url()
    client.get(url)

    assert client.get(url, headers={"host": "evil.example"}).status_code == 400
    assert wsgi_get(url, host="evil.example")[0].startswith("400")


def test_a_moderators_decision_reaches_the_next_reader_at_once(
    client, essay, django_capture_on_commit_callbacks
):
    url = essay.get_absolute_url()
    client.get(url)
    held = make_comment(
        post=essay, body="Held until a moderator looks.", status=Comment.Status.PENDING
    )
    assert b"Held until a moderator looks." not in wsgi_get(url)[2]

    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_approve(comment=held, moderator=make_moderator())

    assert b"Held until a moderator looks." in wsgi_get(url)[2]


def test_pages_that_are_never_cached_are_not_answered_early(client, essay, django_requests):
    search = reverse("blog:search") + "?q=bridges"
    client.get(search)
    django_requests.clear()

    wsgi_get(search)
    wsgi_get("/no/such/page/")

    assert len(django_requests) == 2


def test_a_page_not_found_in_front_is_not_looked_up_again_behind_it(client, essay):
    from django.core.cache import cache

    url = essay.get_absolute_url()
    client.get(url)
    asked = []
    real_get_many = cache.get_many

    def counting_get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    cache.clear()  # the page is gone: the next reader's request renders it
    cache.get_many = counting_get_many
    try:
        status, _, body = wsgi_get(url)
    finally:
        del cache.get_many

    assert status == "200 OK" and b"On Bridges" in body
    page_lookups = [keys for keys in asked if any(key.startswith("pages:page:") for key in keys)]
    assert len(page_lookups) == 1


def _as_gunicorn_sends(path: str) -> str:
    """PATH_INFO as a WSGI server hands it over: the percent-decoded bytes, read as latin-1."""
    return path.encode().decode("latin-1")


def test_an_address_with_characters_beyond_latin_1_is_a_404_not_a_500(client, essay):
    # Looking a page up in front must not leave Django a PATH_INFO it cannot read again.
    status, _, _ = wsgi_get(_as_gunicorn_sends("/essays/€-and-東京/"))

    assert status.startswith("404")


def test_an_old_address_with_accents_still_redirects_through_the_front(client, essay):
    from blog.redirects import redirect_set

    redirect_set(old_path="/2019/05/café-society/", post=essay)

    status, headers, _ = wsgi_get(_as_gunicorn_sends("/2019/05/café-society/"))

    assert status.startswith("301")
    assert headers["Location"].endswith(essay.get_absolute_url())


@pytest.mark.parametrize(
    "condition, status",
    [("*", 304), ("W/{etag}", 304), ('"other", {etag}', 304), ("garbage", 200), ('"other"', 200)],
)
def test_a_readers_condition_is_weighed_as_django_weighs_it(client, essay, condition, status):
    # Django's ConditionalGetMiddleware compares weakly (a proxy that compresses marks the ETag
    # weak, nginx's gzip does, and the reader sends it back so) and takes "*" as any version.
    url = essay.get_absolute_url()
    etag = client.get(url)["ETag"]  # kept

    from_front = wsgi_get(url, if_none_match=condition.format(etag=etag))
    through_django = client.get(url, headers={"if-none-match": condition.format(etag=etag)})

    assert from_front[0].startswith(str(status))
    assert through_django.status_code == status
