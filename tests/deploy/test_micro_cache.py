"""nginx's micro-cache (deploy/nginx/lectern.conf) in front of two gunicorn nodes sharing Redis:
a moderator's decision reaches readers within its few seconds, and signed-in members at once."""

import http.cookiejar
import re
import time
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
