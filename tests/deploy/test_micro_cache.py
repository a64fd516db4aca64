"""nginx's micro-cache (deploy/nginx/lectern.conf) in front of two gunicorn nodes sharing Redis:
a moderator's decision reaches readers within its few seconds, and signed-in members at once;
readers get a page compressed once per fill or raw, both kept; members' pages are never kept."""

import gzip
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from comments import services as comments
from comments.models import Comment
from tests.deploy.conftest import read
from tests.deploy.test_two_nodes import PASSWORD, with_password
from tests.factories import make_comment, make_moderator, make_post, make_user

pytestmark = [pytest.mark.deploy, pytest.mark.django_db(transaction=True)]

MICRO_CACHE_SECONDS = 5  # the app's s-maxage for public pages, which nginx honours


@pytest.fixture(scope="module")
def proxy(web_nodes, nginx):
    return nginx(web_nodes(2))


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send `Secure` cookies over http to the loopback, as browsers do (a secure context)."""

    def return_ok_secure(self, cookie, request):
        return True


def signed_in(base: str, user):
    """An HTTP client with the user's session, signed in through the admin's login form."""
    jar = http.cookiejar.CookieJar(policy=LoopbackIsSecure())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form, _ = read(f"{base}/admin/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode(
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/admin/login/", data=data), timeout=30).close()
    assert any(cookie.name == "sessionid" for cookie in jar)
    return opener


def test_behind_nginx_a_decision_reaches_readers_within_seconds_and_members_at_once(
    proxy, shared_cache
):
    post = make_post(title="Checklists without the theatre")
    url = proxy + post.get_absolute_url()
    pending = make_comment(post=post, status=Comment.Status.PENDING, body="Held for a moment.")
    # A signed-in member (staff, so that the admin's form signs them in; no moderation rights).
    member = signed_in(proxy, with_password(make_user(is_staff=True, username="member")))
    read(url)
    html, headers = read(url)
    assert headers["X-Cache-Status"] == "HIT" and "Held for a moment." not in html

    comments.comment_approve(comment=pending, moderator=make_moderator())
    decided = time.monotonic()

    member_html, member_headers = read(url, member)
    assert "Held for a moment." in member_html
    assert member_headers["X-Cache-Status"] == "BYPASS"
    assert member_headers["Cache-Control"].startswith("private")
    while "Held for a moment." not in read(url)[0]:
        assert time.monotonic() - decided < MICRO_CACHE_SECONDS + 2, "readers never saw it"
        time.sleep(0.2)


def fetch(url: str, opener=None, method: str = "GET", data: bytes | None = None, **headers):
    """Status, body as sent (bytes, not decompressed) and headers (each name's values joined)."""
    headers = {name.replace("_", "-"): value for name, value in headers.items()}
    if not opener:
        headers["Host"] = "localhost"  # as read(): one site name for every node
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        response = (opener or urllib.request.build_opener()).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        body = response.read()
        joined = {name: ", ".join(response.headers.get_all(name)) for name in response.headers}
        return response.status, body, joined


def fetched_from_the_nodes(scratch, path: str, *, at_least: int = 1) -> list[str]:
    """The access-log lines of both nodes (deploy/gunicorn.conf.py's format) for this path, once
    there are as many as expected (a node writes its line just after it answers)."""
    deadline = time.monotonic() + 10
    while True:
        lines = []
        for number in (0, 1):
            log = (scratch / f"gunicorn-{number}.log").read_text(errors="replace")
            lines += [line for line in log.splitlines() if f"GET {path} " in line]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def kept_body(scratch, key_end: str) -> bytes:
    """The body of the page nginx keeps under the key ending so (its cache files start with a
    header of nginx's own, then the key's line, then the response as it came)."""
    for entry in (scratch / "nginx" / "cache").rglob("*"):
        if entry.is_file():
            kept = entry.read_bytes()
            key = kept[kept.index(b"\nKEY: ") + 6 :].split(b"\n", 1)[0].decode()
            if key.endswith(key_end):
                return kept.split(b"\r\n\r\n", 1)[1]
    raise AssertionError(f"nginx keeps nothing under a key ending {key_end}")


def test_readers_get_one_compressed_and_one_raw_copy_each_made_once_per_fill(
    proxy, shared_cache, scratch
):
    post = make_post(title="Compressed once, read many times")
    for number in range(30):
        make_comment(post=post, body=f"A thought worth keeping, number {number}.")
    path = post.get_absolute_url()

    status, raw, headers = fetch(proxy + path)
    assert status == 200 and headers["X-Cache-Status"] == "MISS"
    assert "Content-Encoding" not in headers
    status, _, headers = fetch(proxy + path, Accept_Encoding="gzip, deflate, br")
    assert headers["X-Cache-Status"] == "MISS" and headers["Content-Encoding"] == "gzip"

    # nginx keeps the page compressed, as it sends it: nothing is compressed again per reader.
    kept = kept_body(scratch, path + "gzip")
    assert kept.startswith(b"\x1f\x8b") and gzip.decompress(kept) == raw
    assert kept_body(scratch, path) == raw

    # Every way of accepting gzip shares the compressed copy, which unpacks to the very page
    # that readers without gzip get, themselves from the raw copy.
    for accepted in ("gzip", "deflate, gzip", "GZIP;q=0.5", "gzip, deflate, br, zstd"):
        status, body, headers = fetch(proxy + path, Accept_Encoding=accepted)
        assert status == 200 and headers["X-Cache-Status"] == "HIT", accepted
        assert headers["Content-Encoding"] == "gzip", accepted
        assert body == kept and len(body) < len(raw) / 3
        assert {"Cookie", "Accept-Encoding"} <= set(headers["Vary"].replace(" ", "").split(","))
        assert headers["ETag"].startswith('W/"')
        assert headers["Cache-Control"].startswith("public")
    for refused in ({}, {"Accept_Encoding": "identity"}, {"Accept_Encoding": "gzip;q=0"}):
        status, body, headers = fetch(proxy + path, **refused)
        assert status == 200 and headers["X-Cache-Status"] == "HIT", refused
        assert "Content-Encoding" not in headers and body == raw, refused
        assert {"Cookie", "Accept-Encoding"} <= set(headers["Vary"].replace(" ", "").split(","))

    # The nodes were asked for the page once per copy; a HEAD is answered from the copy too.
    assert len(fetched_from_the_nodes(scratch, path, at_least=2)) == 2
    status, body, headers = fetch(proxy + path, method="HEAD", Accept_Encoding="gzip")
    assert status == 200 and body == b"" and headers["Content-Encoding"] == "gzip"
    assert headers["X-Cache-Status"] == "HIT"

    # Style sheets too: compressed for those who accept it, raw for the others.
    style = re.search(rb'href="(/static/[^"]+\.css)"', raw)[1].decode()
    _, plain, headers = fetch(proxy + style)
    assert "Content-Encoding" not in headers
    _, packed, headers = fetch(proxy + style, Accept_Encoding="gzip, deflate, br")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(packed) == plain


def test_a_reader_revalidates_either_copy_with_its_etag(proxy, shared_cache):
    path = make_post(title="Asked again, not sent again").get_absolute_url()
    for accepted in ("gzip", "identity"):
        fetch(proxy + path, Accept_Encoding=accepted)
        _, _, headers = fetch(proxy + path, Accept_Encoding=accepted)
        status, body, again = fetch(
            proxy + path, Accept_Encoding=accepted, If_None_Match=headers["ETag"]
        )
        assert status == 304 and body == b"", accepted
        assert again["X-Cache-Status"] == "HIT"


def test_members_pages_are_compressed_for_them_and_never_kept(proxy, shared_cache):
    post = make_post(title="Seen only by its writer until approved")
    user = with_password(make_user(is_staff=True, username="writer"))
    make_comment(post=post, author=user, status=Comment.Status.PENDING, body="Mine, waiting.")
    member = signed_in(proxy, user)
    path = post.get_absolute_url()
    fetch(proxy + path, Accept_Encoding="gzip")  # a reader's copy, kept

    for _ in range(2):
        status, body, headers = fetch(proxy + path, member, Accept_Encoding="gzip")
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert headers["Cache-Control"].startswith("private")
        assert headers["Content-Encoding"] == "gzip"
        assert "Mine, waiting." in gzip.decompress(body).decode()
    _, body, headers = fetch(proxy + path, Accept_Encoding="gzip")
    assert headers["X-Cache-Status"] == "HIT"
    assert "Mine, waiting." not in gzip.decompress(body).decode()


def test_the_nodes_see_the_readers_address_and_uploads_pass_through_both_hops(
    proxy, shared_cache, scratch
):
    path = make_post(title="Who is asking").get_absolute_url()
    # A reader behind a proxy of their own: nginx adds the address it sees (the loopback here)
    # and the compressing hop adds nothing, so that the nodes' last trusted hop is the reader.
    fetch(proxy + path + "?from=afar", X_Forwarded_For="203.0.113.9")
    [line] = fetched_from_the_nodes(scratch, path + "?from=afar")
    assert line.startswith("203.0.113.9, 127.0.0.1 127.0.0.1 ")

    # A photo-sized body reaches the app (which refuses this one for want of a CSRF token);
    # one over the site file's limit is refused by nginx.
    status, _, _ = fetch(proxy + "/admin/login/", method="POST", data=b"x" * (6 * 1024 * 1024))
    assert status == 403
    status, _, _ = fetch(proxy + "/admin/login/", method="POST", data=b"x" * (13 * 1024 * 1024))
    assert status == 413
