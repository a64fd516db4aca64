"""Every absolute link that leaves a request starts with SITE_URL, whatever host was asked."""

import feedparser
import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.factories import (
    make_comment,
    make_moderator,
    make_post,
    make_tag,
    make_user,
    wants_reply_mail,
)

pytestmark = pytest.mark.django_db

SITE = "https://essays.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal.lan"]


@pytest.fixture
def essay():
    return make_post(title="Pumps", tags=[make_tag(name="Devices")])


@pytest.mark.parametrize("name", ["blog:feed", "blog:feed_atom"])
def test_feeds_link_to_site_url_not_the_requested_host(client, essay, name):
    feed = feedparser.parse(client.get(reverse(name), HTTP_HOST="internal.lan").content)

    assert feed.feed.link == f"{SITE}/"
    assert feed.entries[0].link == f"{SITE}{essay.get_absolute_url()}"
    assert "internal.lan" not in str(feed)


def test_sitemap_and_robots_txt_use_site_url(client, essay):
    sitemap = client.get(reverse("blog:sitemap"), HTTP_HOST="internal.lan").content.decode()
    robots = client.get(reverse("blog:robots_txt"), HTTP_HOST="internal.lan").content.decode()

    assert f"<loc>{SITE}{essay.get_absolute_url()}</loc>" in sitemap
    assert "internal.lan" not in sitemap and "example.com" not in sitemap
    assert f"Sitemap: {SITE}/sitemap.xml" in robots


def test_canonical_and_sharing_links_use_site_url(client, essay):
    body = client.get(essay.get_absolute_url(), HTTP_HOST="internal.lan").content.decode()

    assert f'<link rel="canonical" href="{SITE}{essay.get_absolute_url()}">' in body
    assert f'<meta property="og:url" content="{SITE}{essay.get_absolute_url()}">' in body
    assert "internal.lan" not in body


def test_mail_links_use_site_url(essay, mailoutbox, django_capture_on_commit_callbacks):
    parent_author = wants_reply_mail(make_user())
    reply = make_comment(
        parent=make_comment(post=essay, author=parent_author), status=Comment.Status.PENDING
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=reply, moderator=make_moderator())

    assert f"{SITE}{reply.get_absolute_url()}" in mailoutbox[0].body  # the reply's permalink
