from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.factories import (
    make_author,
    make_comment,
    make_moderator,
    make_post,
    make_thread,
    make_user,
)

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.mark.parametrize(
    ("approved", "pending", "heading"),
    [
        (0, 0, "No thoughts yet"),
        (0, 2, "No thoughts yet"),
        (1, 1, "One thought on “On Stewardship”"),
        (2, 0, "2 thoughts on “On Stewardship”"),
    ],
)
def test_the_heading_counts_only_what_the_public_sees(client, post, approved, pending, heading):
    make_thread(post=post, count=approved, depth=1)
    make_thread(post=post, count=pending, depth=1, status=S.PENDING)

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<h2 id="comments-heading">{heading}</h2>' in html


def _queries_for_essay_page(client, post):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("viewer", ["anonymous", "member", "moderator"])
def test_the_essay_page_runs_the_same_queries_whatever_its_number_of_comments(client, viewer):
    users = [make_user() for _ in range(8)]
    if viewer == "member":
        client.force_login(users[0])
    elif viewer == "moderator":
        client.force_login(make_moderator())
    # The first essay page a visitor sees also stores their CSRF secret in their session.
    first_visit = _queries_for_essay_page(client, make_post())
    counts = []
    for size in (0, 10, 500):
        post = make_post()
        make_thread(post=post, count=size, depth=5, authors=users)
        make_thread(post=post, count=size // 10, depth=2, authors=users, status=S.PENDING)
        counts.append(_queries_for_essay_page(client, post))

    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 11  # 9 for the essay and its thread, 2 for previous/next and related
    # A moderator's first page also counts the queue for the header, and the first page anyone
    # sees asks when the next essay is scheduled (both are kept in the cache afterwards).
    assert first_visit <= counts[0] + 4 + (viewer == "moderator")


def test_a_500_comment_essay_page_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    post = make_post()
    make_thread(post=post, count=500, depth=5)
    client.force_login(make_user())

    with django_assert_max_num_queries(11):
        client.get(post.get_absolute_url())


def test_comments_show_permalink_avatar_badges_and_reply_context(client):
    essayist = make_user(
        display_name="Esther Essayist",
        provider_picture_url="https://img.example/e.png",
        picture_small="avatars/e-96.jpg",
    )
    post = make_post(authors=[make_author(user=essayist)])
    moderator = make_moderator(display_name="Morgan Mod")
    first = make_comment(post=post, author=essayist, body="Thanks for reading")
    reply = make_comment(parent=first, author=moderator, body="A fine essay")

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<li id="comment-{first.pk}"' in html
    assert f'href="#comment-{first.pk}"' in html
    assert 'src="/media/avatars/e-96.jpg"' in html
    assert "img.example" not in html
    assert ">MM</span>" in html  # generated initials for the member without a picture
    assert "Author of this essay" in html
    assert "Moderator</span>" in html
    assert f'in reply to <a href="#comment-{first.pk}">Esther Essayist</a>' in html
    assert html.index("Thanks for reading") < html.index("A fine essay")
    assert f'id="comment-{reply.pk}"' in html


@pytest.mark.parametrize("viewer", ["anonymous", "member", "moderator"])
def test_names_and_avatar_addresses_of_commenters_are_shown_escaped(client, post, viewer):
    # The card is autoescaped by Jinja2 (MarkupSafe spells quotes &#34; and &#39;): nothing a
    # member chose may reach the page as markup, whoever looks at it.
    nasty = make_user(
        display_name="<b>\"Bold\" & 'Brash'</b>", picture_small='avatars/a"x"<y>-96.jpg'
    )
    first = make_comment(post=post, author=nasty, body="First")
    make_comment(parent=first, author=None, guest_name="<i>Guest</i>", body="Second")
    make_comment(parent=first, author=nasty, body="Third")
    if viewer != "anonymous":
        client.force_login(make_moderator() if viewer == "moderator" else make_user())

    html = client.get(post.get_absolute_url()).content.decode()

    escaped = "&lt;b&gt;&#34;Bold&#34; &amp; &#39;Brash&#39;&lt;/b&gt;"
    assert f'<span class="comment__author">{escaped}</span>' in html
    assert f'in reply to <a href="#comment-{first.pk}">{escaped}</a>' in html
    assert 'src="/media/avatars/a%22x%22%3Cy%3E-96.jpg"' in html
    assert "&lt;i&gt;Guest&lt;/i&gt;" in html
    assert "<b>" not in html and "<i>Guest" not in html and "<y>" not in html


def test_a_removed_comment_with_replies_leaves_a_placeholder_for_the_public(client, post):
    removed = make_comment(post=post, status=S.REMOVED, body="Regrettable words")
    make_comment(parent=removed, body="Still worth reading")

    html = client.get(post.get_absolute_url()).content.decode()

    assert "This comment was removed." in html
    assert "Regrettable words" not in html
    assert "Still worth reading" in html
    assert "in reply to <a" in html and "an earlier comment" in html


def test_a_moderator_sees_every_comment_with_its_status_and_buttons(client, post):
    make_comment(post=post, status=S.SPAM, body="Spammy text")
    client.force_login(make_moderator())

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Spammy text" in html
    assert '<p class="comment__status">Spam</p>' in html
    assert 'value="approve"' in html


def test_readers_who_are_not_signed_in_see_log_in_to_reply(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    assert "Log in to reply" in html
    assert "Post comment" not in html


def test_the_cached_public_thread_changes_as_soon_as_a_comment_is_approved(
    client, post, member, moderator, django_capture_on_commit_callbacks
):
    from comments import services

    pending = make_comment(post=post, author=member, status=S.PENDING, body="Worth the wait")
    assert "Worth the wait" not in client.get(post.get_absolute_url()).content.decode()

    # The cached pages go stale when the decision is committed.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=pending, moderator=moderator)

    html = client.get(post.get_absolute_url()).content.decode()
    assert "Worth the wait" in html
    assert "One thought on" in html


def test_a_members_pending_comment_never_reaches_the_cached_public_page(client, post, member):
    make_comment(post=post, status=S.APPROVED, body="Public words")
    make_comment(post=post, author=member, status=S.PENDING, body="Private words")
    client.force_login(member)
    assert "Private words" in client.get(post.get_absolute_url()).content.decode()
    client.logout()

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Public words" in html
    assert "Private words" not in html


def test_a_member_with_nothing_pending_gets_the_public_view_without_edit_links_for_others(
    client, post, member
):
    make_comment(post=post, body="Someone else's")
    client.get(post.get_absolute_url())  # fills the cache as an anonymous reader
    client.force_login(member)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Someone else&#x27;s" in html
    assert "/edit/" not in html
    assert "Post comment" in html


def test_rejecting_a_pending_comment_with_public_replies_updates_its_cached_placeholder(
    client, post, moderator, django_capture_on_commit_callbacks
):
    from comments import services

    pending = make_comment(post=post, status=S.PENDING)
    make_comment(parent=pending, body="Answered anyway")
    assert "This comment is awaiting moderation." in client.get(post.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reject(comment=pending, moderator=moderator)

    html = client.get(post.get_absolute_url()).text
    assert "This comment was removed." in html
    assert "Answered anyway" in html
