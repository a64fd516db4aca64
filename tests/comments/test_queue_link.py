"""Where the queue is: "Moderation (N waiting)" in the header for moderators and on the admin
index, counted in the shared cache, without a query for anyone else."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import reporting, services
from comments.context_processors import SESSION_KEY
from comments.models import Comment
from comments.waiting import VERSION_KEY, waiting_count
from tests.factories import make_comment, make_moderator, make_user, signed_in

pytestmark = pytest.mark.django_db

S = Comment.Status
LINK = re.compile(r"Moderation \((\d+) waiting\)")


def _shown_count(client, url="/") -> int | None:
    found = LINK.search(client.get(url).content.decode())
    return int(found[1]) if found else None


def test_moderators_see_how_many_comments_wait_in_the_header_and_on_the_admin_index(
    moderator, staff_moderator, post
):
    make_comment(post=post, status=S.PENDING)
    make_comment(post=post, status=S.PENDING)
    make_comment(post=post, status=S.APPROVED)

    assert _shown_count(signed_in(moderator), post.get_absolute_url()) == 2
    assert _shown_count(signed_in(staff_moderator), reverse("admin:index")) == 2
    assert reverse("comments:queue") in signed_in(moderator).get("/").content.decode()


def test_members_readers_and_other_staff_see_no_link(client, member, post):
    make_comment(post=post, status=S.PENDING)
    editor = make_user(is_staff=True)

    assert _shown_count(client) is None
    assert _shown_count(signed_in(member)) is None
    assert _shown_count(signed_in(editor), reverse("admin:index")) is None


def test_the_count_is_right_at_once_after_each_change_to_the_queue(
    moderator, member, post, django_capture_on_commit_callbacks, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    client = signed_in(moderator)
    assert _shown_count(client) == 0  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        held = services.comment_submit(post=post, author=member, body="Hold me, please")
    assert held.status == S.PENDING
    assert _shown_count(client) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=held, moderator=moderator)
    assert _shown_count(client) == 0

    with django_capture_on_commit_callbacks(execute=True):
        reporting.comment_report(comment=held, reporter=make_user(), reason="spam")
    assert _shown_count(client) == 1  # hidden after a report: waiting again

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reject(comment=held, moderator=moderator)
    assert _shown_count(client) == 0


def test_a_count_read_before_a_commit_is_never_served_after_it(moderator, post):
    # Another node counts (0), a write commits and moves the version, then the first node stores
    # its count: it lands under the old version, which nobody reads any more.
    from django.core.cache import cache

    from comments import waiting

    version = waiting._version()
    make_comment(post=post, status=S.PENDING)
    cache.set(waiting.VERSION_KEY, "moved-by-the-commit", None)
    cache.set(f"comments:waiting:{version}", 0)

    assert waiting_count() == 1


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_link_adds_no_query_to_readers_or_members_pages(client, member, post, who, settings):
    make_comment(post=post, status=S.PENDING)
    if who == "member":
        client.force_login(member)
    urls = ["/", post.get_absolute_url(), reverse("accounts:account")]
    urls = urls[:2] if who == "anonymous" else urls

    for url in urls:
        _queries(client, url)  # the caches (page parts, word lists) warm, for both runs alike
        with_link = _queries(client, url)
        processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
        settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = [
            p for p in processors if p != "comments.context_processors.moderation_queue"
        ]
        without_link = _queries(client, url)
        settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = processors
        assert len(with_link) == len(without_link), url
        assert not any("COUNT(" in sql and "comments_comment" in sql for sql in with_link)


def test_a_moderators_page_counts_once_on_a_cache_miss_and_never_after(moderator, post):
    from django.core.cache import cache

    make_comment(post=post, status=S.PENDING)
    client = signed_in(moderator)
    cache.delete(VERSION_KEY)  # a cold cache, as after a Redis restart

    first = [sql for sql in _queries(client, "/") if "comments_comment" in sql]
    second = [sql for sql in _queries(client, "/") if "comments_comment" in sql]

    assert len(first) == 1 and "COUNT(" in first[0]
    assert second == []


def test_the_link_follows_the_permission_when_a_moderation_page_checks_it(member, post):
    client = signed_in(member)
    assert not client.session.get(SESSION_KEY)
    promoted = make_moderator()
    member.groups.set(promoted.groups.all())

    assert client.get(reverse("comments:queue")).status_code == HTTPStatus.OK
    assert _shown_count(client) == 0

    member.groups.clear()
    assert client.get(reverse("comments:queue")).status_code == HTTPStatus.FORBIDDEN
    assert _shown_count(client) is None
