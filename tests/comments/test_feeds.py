"""Feeds of approved comments, per essay and for the site, answered conditionally."""

from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.mark.parametrize("name", ["comments:essay_feed", "comments:essay_feed_atom"])
def test_an_essays_feed_lists_its_approved_comments_newest_first(client, post, name):
    make_comment(post=post, body="Older approved")
    make_comment(post=post, body="Newer approved")
    make_comment(post=post, body="Still waiting", status=S.PENDING)
    make_comment(post=make_post(), body="Another essay")

    feed = feedparser.parse(client.get(reverse(name, args=[post.pk])).content)

    texts = [entry.summary for entry in feed.entries]
    assert len(texts) == 2
    assert "Newer approved" in texts[0] and "Older approved" in texts[1]


def test_the_site_feed_leaves_out_drafts_and_unapproved(client, post):
    make_comment(post=post, body="Public words")
    make_comment(post=make_post(status="draft"), body="Draft essay words")
    make_comment(post=post, body="Spam words", status=S.SPAM)

    body = client.get(reverse("comments:feed")).content.decode()

    assert "Public words" in body
    assert "Draft essay" not in body and "Spam words" not in body


def test_feeds_answer_conditional_requests_with_304(client, post):
    make_comment(post=post, body="Hello")
    url = reverse("comments:essay_feed", args=[post.pk])
    first = client.get(url)

    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_a_draft_essays_feed_is_not_found(client):
    draft = make_post(status="draft")

    assert client.get(reverse("comments:essay_feed", args=[draft.pk])).status_code == 404
