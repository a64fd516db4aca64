"""A member's own comments: deleting at any time, the "edited" mark, the My comments page."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import services
from comments.models import Comment
from tests.factories import make_comment, make_moderator, make_user, signed_in

pytestmark = pytest.mark.django_db

S = Comment.Status
MINE = "my_comments:list"


def _age(comment, **delta):
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timezone.timedelta(**delta)
    )
    comment.refresh_from_db()


def test_a_member_deletes_an_old_comment_long_after_the_edit_window(client, member, post):
    alone = make_comment(post=post, author=member, body="Old and alone")
    answered = make_comment(post=post, author=member, body="Old and answered")
    make_comment(parent=answered, body="A reply that stays")
    for comment in (alone, answered):
        _age(comment, days=30)
        response = signed_in(member).post(reverse("comments:withdraw", args=[comment.pk]))
        assert response.status_code == HTTPStatus.FOUND

    html = client.get(post.get_absolute_url()).content.decode()
    assert "Old and alone" not in html and "Old and answered" not in html
    assert html.count("This comment was removed.") == 1  # a placeholder only above the reply
    assert "A reply that stays" in html


def test_nobody_deletes_a_comment_a_moderator_rejected(member, post):
    rejected = make_comment(post=post, author=member, status=S.REJECTED)

    response = signed_in(member).post(reverse("comments:withdraw", args=[rejected.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    rejected.refresh_from_db()
    assert rejected.status == S.REJECTED


def test_my_comments_lists_each_comment_with_its_status_and_deletes_from_there(member, post):
    published = make_comment(post=post, author=member, body="Published words")
    make_comment(post=post, author=member, body="Waiting words", status=S.PENDING)
    removed = make_comment(post=post, author=member, body="Removed words")
    services.comment_remove(comment=removed, moderator=make_moderator())
    make_comment(post=post, body="Someone else's words")
    client = signed_in(member)

    html = client.get(reverse(MINE)).content.decode()

    assert "Published words" in html and "Waiting words" in html and "Removed words" in html
    assert "Someone else" not in html
    assert "Published" in html and "Awaiting moderation" in html
    assert "Removed by a moderator" in html
    assert post.title in html

    response = client.post(
        reverse("comments:withdraw", args=[published.pk]), {"next": reverse(MINE)}
    )

    assert response["Location"] == reverse(MINE)
    assert "Deleted by you" in client.get(reverse(MINE)).content.decode()


def test_my_comments_asks_visitors_to_sign_in(client):
    response = client.get(reverse(MINE))

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_readers_see_an_edited_mark_with_the_time(client, post, settings):
    trusted = make_user()
    settings.COMMENTS_AUTO_APPROVE_AFTER = 1
    comment = make_comment(post=post, author=trusted, body="First version")
    services.comment_edit(comment=comment, editor=trusted, body="Second version")

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Second version" in html
    assert '<span class="comment__edited">(edited <time datetime="' in html


def test_an_edit_by_a_member_who_is_not_trusted_goes_back_to_the_queue(client, post, settings):
    settings.COMMENTS_AUTO_APPROVE_AFTER = 5
    newcomer = make_user()
    comment = make_comment(post=post, author=newcomer, body="Approved once")

    services.comment_edit(comment=comment, editor=newcomer, body="Changed after approval")

    comment.refresh_from_db()
    assert comment.status == S.PENDING
    assert "Changed after approval" not in client.get(post.get_absolute_url()).content.decode()
