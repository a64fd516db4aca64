"""An essay page served from the skeleton kept for its address, with only the viewer's parts
rendered (config.page_parts), is the page rendered whole for that viewer: byte for byte (but for
the values that are new on every request), with the same headers, and no more queries."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.models import Post
from comments import services as comments
from comments.following import essay_follow
from comments.models import Comment
from comments.suspensions import member_suspend
from config.page_cache import stored_body
from config.page_parts import skeleton_key
from tests.factories import (
    make_author,
    make_comment,
    make_moderator,
    make_post,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

S = Comment.Status
# New on every request, whoever asks: a form's CSRF token (masked afresh) and the comment form's
# idempotency token. Everything else must be the same bytes.
PER_REQUEST = re.compile(r'(name="(?:csrfmiddlewaretoken|token)" value=")[^"]*(")')


@pytest.fixture
def essay(settings):
    settings.COMMENTS_PER_PAGE = 2  # three pages of threads
    essayist = make_user(display_name="Esther Essayist")
    post = make_post(
        title="On Stewardship",
        authors=[make_author(name="Ines Baptista", user=essayist)],
        tags=[make_tag(name="Ethics")],
    )
    for n in range(5):
        first = make_comment(post=post, author=make_user(), body=f"Thread {n} opens")
        make_comment(parent=first, author=essayist, body=f"The essayist answers {n}")
    make_post(title="The Essay Before", published_at=post.published_at - timedelta(days=3))
    return post


def _viewer(kind: str, essay):
    """A new client for this kind of viewer each time it is called (a visit that starts a session
    is compared with one that does too), and what to do before each of its visits."""
    if kind.startswith("anonymous"):

        def client():
            reader = Client()
            if kind == "anonymous with a stale session cookie":
                reader.cookies[django_settings.SESSION_COOKIE_NAME] = "no-such-session"
            return reader

        return client, None
    member = make_moderator() if kind == "moderator" else make_user(display_name="Ada Member")

    def client():
        signed_in = Client()
        signed_in.force_login(member)
        return signed_in

    before = None
    if kind == "member with a pending comment":
        make_comment(post=essay, author=member, status=S.PENDING, body="Mine, in moderation")
    elif kind == "member within the edit window":
        make_comment(post=essay, author=member, body="Mine, still editable")
    elif kind == "suspended member":
        member_suspend(member=member, moderator=make_moderator(), reason="Spam, repeatedly")
    elif kind == "member following the essay":
        essay_follow(member=member, post=essay)
    elif kind == "member with a flash message":

        def before(client):  # following answers with a message, shown once on the essay page
            client.post(reverse("comments:follow", args=[essay.pk]), {"action": "follow"})

    return client, before


def _visit(client, url, before=None):
    if before:
        before(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = PER_REQUEST.sub(r"\1…\2", response.content.decode())
    headers = {name: response.get(name) for name in ("Cache-Control", "Vary", "Content-Type")}
    return page, headers, sorted(response.cookies), len(queries)


def _is_kept(url) -> bool:
    return cache.get(skeleton_key(RequestFactory().get(url))) is not None


VIEWERS = [
    ("anonymous", ""),
    ("anonymous with a stale session cookie", ""),
    ("member", ""),
    ("member with a pending comment", ""),
    ("member within the edit window", ""),
    ("suspended member", ""),
    ("member following the essay", ""),
    ("moderator", ""),
    ("member with a flash message", ""),
    ("member", "comments closed"),
    ("anonymous", "comments closed"),
    ("member", "?comments=2"),
    ("moderator", "?comments=2"),
    ("member with a pending comment", "?order=newest"),
    ("anonymous", "?comments=3&order=newest"),
]


@pytest.mark.parametrize("first", ["anonymous with a stale session cookie", "moderator"])
@pytest.mark.parametrize(("kind", "page"), VIEWERS)
def test_a_page_from_its_kept_skeleton_is_the_page_rendered_whole(
    essay, settings, kind, page, first
):
    if page == "comments closed":
        Post.objects.filter(pk=essay.pk).update(comment_mode=Post.CommentMode.CLOSED)
    url = essay.get_absolute_url() + (page if page.startswith("?") else "")
    client, before = _viewer(kind, essay)
    someone_else, _ = _viewer(first, essay)

    # Today's page: rendered whole, after someone else's visit warmed the shared caches.
    settings.PAGE_SKELETONS = False
    cache.clear()
    first_whole = _visit(someone_else(), url)
    whole = _visit(client(), url, before)
    # The same visit, once someone else's visit left the skeleton for this address (that first
    # visit rendered the skeleton, then its own parts: the same page too).
    settings.PAGE_SKELETONS = True
    cache.clear()
    assert _visit(someone_else(), url)[:3] == first_whole[:3]
    assert _is_kept(url)
    in_parts = _visit(client(), url, before)

    page_in_parts, headers, cookies, queries = in_parts
    assert page_in_parts == whole[0]
    assert (headers, cookies) == whole[1:3]
    assert queries <= whole[3]


@pytest.mark.parametrize(
    ("kind", "queries"),
    [
        # Session, member, the essay (with its authors who are members), what is theirs here;
        # the public thread and the rest of the page are kept.
        ("member", 4),
        # And their own page of the thread.
        ("member with a pending comment", 5),
        ("moderator", 5),
    ],
)
def test_a_page_from_the_skeleton_asks_less_of_the_database(essay, kind, queries):
    client = _viewer(kind, essay)[0]()
    url = essay.get_absolute_url()
    first = _visit(client, url)
    again = _visit(client, url)

    assert again[3] == queries < first[3]


def test_the_skeleton_holds_nothing_of_the_viewer(essay):
    client = _viewer("moderator", essay)[0]()
    client.get(essay.get_absolute_url())
    _versions, digest, marker, names = cache.get(
        skeleton_key(RequestFactory().get(essay.get_absolute_url()))
    )
    skeleton = stored_body(digest).decode()

    assert names == (
        "_viewer_nav.html",
        "_messages.html",
        "comments/_thread_tools.html",
        "comments/_thread_list.html",
        "comments/_respond.html",
        "accounts/_sign_in_forms.html",
    )
    assert skeleton.count(marker) == len(names)
    for own in ("Mo Derator", "csrfmiddlewaretoken", "Moderation", "Thread 0 opens", "Log in"):
        assert own not in skeleton
    assert "Ines Baptista" in skeleton and "The Essay Before" in skeleton


def test_text_that_copies_a_marker_is_only_text(essay, django_capture_on_commit_callbacks):
    member = _viewer("member", essay)[0]()
    url = essay.get_absolute_url()
    member.get(url)
    marker = cache.get(skeleton_key(RequestFactory().get(url)))[2]
    # The best a writer can do: the marker of an earlier skeleton of the very page, raw in the
    # essay (as if the sanitiser let it through) and in a comment.
    Post.objects.filter(pk=essay.pk).update(body_html=f"<p>{marker}</p>")
    pending = make_comment(post=essay, status=S.PENDING, body=f"Look: {marker}")
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_approve(comment=pending, moderator=make_moderator())

    in_parts = _visit(member, url)
    cache.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "PAGE_SKELETONS", False)
        whole = _visit(member, url)

    assert in_parts[0] == whole[0]
    assert f"<p>{marker}</p>" in in_parts[0]


def test_a_part_renders_as_the_same_include_would():
    part = "{% load page_parts %}<b>{% viewer_part 'comments/_thread_list.html' %}</b>"
    include = "<b>{% include 'comments/_thread_list.html' %}</b>"

    class Thread:
        html = "<li>a comment</li>"
        has_next, previous_url = True, ""
        next_url, page_number = "?comments=2", 1

    context = {"thread": Thread()}

    assert Template(part).render(Context(context)) == Template(include).render(Context(context))
    assert "a comment" in Template(part).render(Context(context))


def test_while_the_shared_cache_is_away_members_get_the_page_rendered_whole(essay, settings):
    member = _viewer("member", essay)[0]()
    whole = member.get(essay.get_absolute_url())
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    away = member.get(essay.get_absolute_url())

    assert away.status_code == 200
    assert PER_REQUEST.sub("", away.text) == PER_REQUEST.sub("", whole.text)


def test_the_database_decides_whether_the_essay_is_public_even_with_a_skeleton_kept(essay):
    member = _viewer("member", essay)[0]()
    url = essay.get_absolute_url()
    member.get(url)
    assert _is_kept(url)
    # Not through a service (which would move the versions): only the row says it.
    Post.objects.filter(pk=essay.pk).update(status=Post.Status.DRAFT)

    assert member.get(url).status_code == 404


def test_a_skeleton_is_kept_only_for_the_pages_own_address(client):
    essay = make_post(title="On Addresses")
    client.force_login(make_user())
    made_up = f"{essay.get_absolute_url()}?utm_campaign=spring"

    assert client.get(made_up).status_code == 200
    assert cache.get(skeleton_key(RequestFactory().get(made_up))) is None
    assert client.get(essay.get_absolute_url()).status_code == 200
    assert cache.get(skeleton_key(RequestFactory().get(essay.get_absolute_url()))) is not None
