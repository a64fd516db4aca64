"""One definition of "published" everywhere: drafts and scheduled essays never leak."""

from datetime import timedelta
from http import HTTPStatus

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Tag, authors_in_print
from tests.factories import make_author, make_post, make_tag

pytestmark = pytest.mark.django_db

NOW = timezone.now()
STATES = {
    # state: (status, published_at, visible)
    "draft-undated": (Post.Status.DRAFT, None, False),
    "draft-dated-past": (Post.Status.DRAFT, NOW - timedelta(days=3), False),
    "scheduled": (Post.Status.PUBLISHED, NOW + timedelta(hours=1), False),
    "published": (Post.Status.PUBLISHED, NOW - timedelta(days=3), True),
}


def shows(client, url, needle) -> bool:
    response = client.get(url)
    if response.status_code == HTTPStatus.NOT_FOUND:
        return False
    assert response.status_code == HTTPStatus.OK
    return needle in response.content.decode()


def in_feed(client, url, title) -> bool:
    feed = feedparser.parse(client.get(url).content)
    return any(entry.title == title for entry in feed.entries)


# Each surface: how to ask it whether the essay (with its own author and tag) is public.
SURFACES = {
    "home": lambda c, p, a, t: shows(c, reverse("blog:home"), p.title),
    "essay page": lambda c, p, a, t: shows(c, p.get_absolute_url(), p.title),
    "author page": lambda c, p, a, t: shows(c, a.get_absolute_url(), p.title),
    "tag page": lambda c, p, a, t: shows(c, t.get_absolute_url(), p.title),
    "archive index": lambda c, p, a, t: (
        shows(c, reverse("blog:archive_index"), f"/archive/{p.published_at.year}/")
        if p.published_at
        else shows(c, reverse("blog:archive_index"), "/archive/2")
    ),
    "month archive": lambda c, p, a, t: (
        p.published_at is not None
        and shows(
            c,
            reverse("blog:archive_month", args=[p.published_at.year, p.published_at.month]),
            p.title,
        )
    ),
    "search": lambda c, p, a, t: shows(c, reverse("blog:search") + "?q=zymurgy", p.title),
    "site RSS": lambda c, p, a, t: in_feed(c, reverse("blog:feed"), p.title),
    "site Atom": lambda c, p, a, t: in_feed(c, reverse("blog:feed_atom"), p.title),
    "tag feed": lambda c, p, a, t: in_feed(c, reverse("blog:tag_feed", args=[t.slug]), p.title),
    "author feed": lambda c, p, a, t: in_feed(
        c, reverse("blog:author_feed_atom", args=[a.slug]), p.title
    ),
    "sitemap: essay": lambda c, p, a, t: shows(c, "/sitemap.xml", p.get_absolute_url()),
    "sitemap: author": lambda c, p, a, t: shows(c, "/sitemap.xml", a.get_absolute_url()),
    "sitemap: tag": lambda c, p, a, t: shows(c, "/sitemap.xml", t.get_absolute_url()),
}


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("state", STATES)
def test_only_published_essays_reach_any_public_surface(client, state, surface):
    status, published_at, visible = STATES[state]
    author, tag = make_author(name="Solo Writer"), make_tag(name="Zymurgy")
    post = make_post(
        title="The zymurgy essay",
        body="All about zymurgy.",
        status=status,
        published_at=published_at,
        authors=[author],
        tags=[tag],
    )

    assert SURFACES[surface](client, post, author, tag) is visible


@pytest.mark.parametrize(("state", "visible"), [(s, v[2]) for s, v in STATES.items()])
def test_published_queryset_and_is_published_agree(state, visible):
    status, published_at, _ = STATES[state]
    post = make_post(status=status, published_at=published_at)

    assert post.is_published(now=NOW) is visible
    assert Post.objects.published(now=NOW).filter(pk=post.pk).exists() is visible


def test_a_scheduled_essay_appears_by_itself_when_its_time_comes():
    post = make_post(status=Post.Status.PUBLISHED, published_at=NOW + timedelta(hours=1))

    assert not Post.objects.published(now=NOW).filter(pk=post.pk).exists()
    later = NOW + timedelta(hours=1, seconds=1)
    assert Post.objects.published(now=later).filter(pk=post.pk).exists()


def test_unpublished_essays_do_not_make_their_authors_and_tags_public():
    author, tag = make_author(), make_tag()
    make_post(status=Post.Status.DRAFT, authors=[author], tags=[tag])

    assert not authors_in_print().filter(pk=author.pk).exists()
    assert not Tag.objects.in_print().filter(pk=tag.pk).exists()


@pytest.mark.parametrize("state", ["draft-undated", "scheduled"])
@pytest.mark.parametrize(
    "feed", ["blog:author_feed", "blog:author_feed_atom", "blog:tag_feed", "blog:tag_feed_atom"]
)
def test_feeds_of_authors_and_tags_without_public_essays_do_not_exist(client, state, feed):
    status, published_at, _ = STATES[state]
    author, tag = make_author(name="Secret Newhire"), make_tag(name="Upcoming Merger")
    make_post(status=status, published_at=published_at, authors=[author], tags=[tag])
    slug = author.slug if "author" in feed else tag.slug

    response = client.get(reverse(feed, args=[slug]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Secret Newhire" not in response.content
    assert b"Upcoming Merger" not in response.content
