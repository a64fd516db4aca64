"""A member's page is the cached public thread with only what is theirs added: the same markup,
byte for byte, as a full render of their view gives, with no more queries."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from comments.thread import comment_thread
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture
def conversation(post, member, settings):
    """Eight threads (three a page) in which `member` has comments of every kind: awaiting
    moderation at depths 0 to 3, under their own pending comments and under hidden ones, back in
    moderation with others' replies below, published within the edit window and long past it."""
    settings.COMMENTS_PER_PAGE = 3
    now = timezone.now()
    others = [make_user(display_name=f"Other {n}") for n in range(3)]

    def say(minutes_ago, *, author, parent=None, status=S.APPROVED):
        return make_comment(
            post=post,
            parent=parent,
            author=author,
            status=status,
            created_at=now - timedelta(minutes=minutes_ago),
        )

    a = say(3000, author=others[0])
    a2 = say(2980, author=others[2], parent=say(2990, author=others[1], parent=a))
    say(5, author=member, parent=a2, status=S.PENDING)  # depth 3
    say(4, author=member, parent=a, status=S.PENDING)  # depth 1
    old = say(2900, author=member)  # theirs, long past the edit window
    say(2890, author=others[0], parent=old)
    c = say(2800, author=others[1])
    edited = say(2790, author=member, parent=c, status=S.PENDING)  # back in moderation
    say(2780, author=others[2], parent=edited)  # a published reply under it
    say(6, author=member, parent=say(3, author=member, parent=edited, status=S.PENDING))
    hidden = say(2700, author=others[0], status=S.PENDING)  # shown to them as a placeholder
    say(2, author=member, parent=hidden, status=S.PENDING)
    removed = say(2600, author=others[1], status=S.REMOVED)
    say(1, author=member, parent=say(2590, author=others[2], parent=removed), status=S.PENDING)
    fresh = say(10, author=member)  # within the edit window
    say(9, author=others[0], parent=fresh)
    say(7, author=member, parent=say(8, author=others[2]))
    say(0, author=member, status=S.PENDING)  # a thread of their own, awaiting moderation
    return post


def _viewers(member):
    in_window_only = make_user(display_name="Quick Editor")
    make_comment(parent=Comment.objects.filter(status=S.APPROVED).first(), author=in_window_only)
    long_ago = make_user(display_name="Long Ago")
    make_comment(
        post=Comment.objects.first().post,
        author=long_ago,
        created_at=timezone.now() - timedelta(days=3),
    )
    return {
        "member with comments of every kind": member,
        "member with a comment within the edit window": in_window_only,
        "member whose comments are past the window": long_ago,
        "member with no comments": make_user(display_name="New Reader"),
    }


def _thread(viewer, post, *, page, newest_first):
    query = {"comments": page, **({"order": "newest"} if newest_first else {})}
    request = RequestFactory().get(post.get_absolute_url(), query)
    # A fresh user object each time: nothing learnt about them in one render serves the next.
    request.user = get_user_model().objects.get(pk=viewer.pk) if viewer else AnonymousUser()
    try:
        thread = comment_thread(request=request, post=post)
    except Http404:
        return None
    return str(thread.html), thread.has_next


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest first", "newest first"])
@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_members_page_built_on_the_public_cards_is_the_full_render_byte_for_byte(
    conversation, member, page, newest_first
):
    for name, viewer in _viewers(member).items():
        cache.clear()  # no public cards: the member's page is rendered in full
        with CaptureQueriesContext(connection) as full_queries:
            full = _thread(viewer, conversation, page=page, newest_first=newest_first)
        cache.clear()
        _thread(None, conversation, page=page, newest_first=newest_first)  # a reader's visit
        with CaptureQueriesContext(connection) as reused_queries:
            reused = _thread(viewer, conversation, page=page, newest_first=newest_first)

        assert reused == full, name
        assert len(reused_queries) <= len(full_queries), name


def test_the_member_sees_their_own_comments_in_place_on_the_public_cards(conversation, member):
    _thread(None, conversation, page=1, newest_first=True)
    html, _has_next = _thread(member, conversation, page=1, newest_first=True)
    public, _has_next = _thread(None, conversation, page=1, newest_first=True)

    theirs = Comment.objects.filter(author=member, status=S.PENDING).order_by("-created_at")[0]
    assert f'id="comment-{theirs.pk}" class="comment comment--pending"' in html
    assert f'id="comment-{theirs.pk}"' not in public
    assert "Edit or delete" in html and "Edit or delete" not in public


def test_cards_are_reused_only_for_the_page_and_order_they_were_rendered_for(conversation, member):
    _thread(None, conversation, page=1, newest_first=False)
    oldest = _thread(member, conversation, page=1, newest_first=True)
    cache.clear()
    assert oldest == _thread(member, conversation, page=1, newest_first=True)


def test_a_members_own_view_is_never_kept_as_the_publics(post, member, settings):
    settings.COMMENTS_PER_PAGE = 2
    now = timezone.now()
    for days in range(4, 0, -1):
        make_comment(
            post=post, body=f"Thread of {days} days ago.", created_at=now - timedelta(days)
        )
    # Awaiting moderation, newest: for them alone, every thread after it moves along by one.
    make_comment(post=post, author=member, status=S.PENDING)
    cache.clear()
    public = _thread(None, post, page=2, newest_first=True)
    cache.clear()
    _thread(member, post, page=2, newest_first=True)  # nothing of theirs on their page 2

    assert _thread(None, post, page=2, newest_first=True) == public
