"""Long essays page by top-level threads (each with all its replies), in either order."""

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_thread, make_user

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture
def threads(post, settings):
    """Five threads of three comments ("T0" … "T4", oldest first), two threads a page."""
    settings.COMMENTS_PER_PAGE = 2
    return make_thread(post=post, count=15, depth=3)


def _shown(client, url) -> str:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _thread_numbers(html) -> list[int]:
    return [int(n) for n in re.findall(r"Thought (\d+):", html)]


def test_each_page_holds_whole_threads_oldest_first_with_links_between(client, post, threads):
    first = _shown(client, post.get_absolute_url())
    second = _shown(client, f"{post.get_absolute_url()}?comments=2")
    last = _shown(client, f"{post.get_absolute_url()}?comments=3")

    assert _thread_numbers(first) == [0, 1, 2, 3, 4, 5]
    assert _thread_numbers(second) == [6, 7, 8, 9, 10, 11]
    assert _thread_numbers(last) == [12, 13, 14]
    assert f'href="{post.get_absolute_url()}?comments=2#comments" data-show-more' in first
    assert 'rel="prev"' in second and "data-show-more" in second
    assert "data-show-more" not in last


def test_readers_may_read_newest_threads_first_replies_still_in_order(client, post, threads):
    html = _shown(client, f"{post.get_absolute_url()}?order=newest")

    assert _thread_numbers(html) == [12, 13, 14, 9, 10, 11]
    assert "?comments=2&amp;order=newest#comments" in html


@pytest.mark.parametrize("value", ["0", "4", "-1", "two", "1.5", "²", "9999999"])
def test_a_page_out_of_range_or_not_a_number_is_not_found(client, post, threads, value):
    response = client.get(f"{post.get_absolute_url()}?comments={value}")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_every_page_costs_the_same_queries(client, post, threads):
    client.get(post.get_absolute_url())  # the visitor's session (CSRF) is made once, here
    cache.clear()  # every page below is built afresh, none served from the cached thread
    # Asked once and then kept until a change: when the next scheduled essay is due (the page
    # cache), and the essays around this one. Newest first is a thread of its own, not counted.
    client.get(f"{post.get_absolute_url()}?order=newest")
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            client.get(f"{post.get_absolute_url()}?comments={page}")
        counts.append(len(captured))

    assert counts[0] == counts[1] == counts[2]


def test_a_permalink_leads_to_the_page_and_place_of_its_comment(client, post, threads):
    deep_reply = threads[10]

    response = client.get(reverse("comments:permalink", args=[deep_reply.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{post.get_absolute_url()}?comments=2#comment-{deep_reply.pk}"
    first = client.get(reverse("comments:permalink", args=[threads[0].pk]))
    assert first["Location"] == f"{post.get_absolute_url()}#comment-{threads[0].pk}"


def test_a_hidden_thread_with_nothing_visible_takes_no_place_on_a_page(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(post=post, status=S.REMOVED, body="Gone")
    removed_with_reply = make_comment(post=post, status=S.REMOVED, body="Gone too")
    make_comment(parent=removed_with_reply, body="Still here")
    make_comment(post=post, body="Later thread")

    first = _shown(client, post.get_absolute_url())
    second = _shown(client, f"{post.get_absolute_url()}?comments=2")

    assert "Still here" in first and "This comment was removed." in first
    assert "Later thread" in second
    assert client.get(f"{post.get_absolute_url()}?comments=3").status_code == 404


def test_a_pending_comment_of_someone_else_has_no_permalink(client, post):
    pending = make_comment(post=post, author=make_user(), status=S.PENDING)

    response = client.get(reverse("comments:permalink", args=[pending.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
