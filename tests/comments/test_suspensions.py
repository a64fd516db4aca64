"""Moderators suspend members: a suspended member reads but does not post, edit, reply or
report, and sees why and until when where the form was."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments import suspensions
from comments.models import Comment, CommentReport, ModerationEvent, Suspension
from tests.factories import make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db

S = Comment.Status


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _suspend(moderator, member, **data):
    return _signed_in(moderator).post(
        reverse("comments:suspension", args=[member.pk]), {"action": "suspend", **data}
    )


def test_a_suspended_member_sees_the_reason_and_end_instead_of_the_form(post, member, moderator):
    until = timezone.localtime() + timedelta(days=7)
    response = _suspend(
        moderator, member, reason="Repeated insults", ends_at=until.strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == HTTPStatus.FOUND

    html = _signed_in(member).get(post.get_absolute_url()).content.decode()

    assert "Your account is suspended from commenting until" in html
    assert "Repeated insults" in html
    assert 'id="comment-form"' not in html
    event = ModerationEvent.objects.get(action=ModerationEvent.Action.SUSPENDED)
    assert (event.member, event.actor, event.comment) == (member, moderator, None)


def test_a_suspended_member_cannot_post_reply_edit_or_report(post, member, moderator):
    own = make_comment(post=post, author=member, body="Mine")
    other = make_comment(post=post, body="Theirs")
    suspensions.member_suspend(member=member, moderator=moderator, reason="Cooling off")
    client = _signed_in(member)

    attempts = [
        client.post(reverse("comments:create", args=[post.pk]), {"body": "New"}),
        client.post(reverse("comments:create", args=[post.pk]), {"body": "R", "parent": other.pk}),
        client.post(reverse("comments:edit", args=[own.pk]), {"body": "Changed"}),
        client.post(reverse("comments:report", args=[other.pk]), {"reason": "spam"}),
    ]

    assert [r.status_code for r in attempts] == [HTTPStatus.FORBIDDEN] * 4
    assert all("Cooling off" in r.content.decode() for r in attempts)
    assert Comment.objects.count() == 2
    own.refresh_from_db()
    assert own.body == "Mine"
    assert not CommentReport.objects.exists()
    # They can still read and export their data.
    assert client.get(reverse("accounts:export")).status_code == HTTPStatus.OK


def test_pending_comments_stay_pending_and_lifting_is_one_action(post, member, moderator):
    waiting = make_comment(post=post, author=member, status=S.PENDING)
    suspensions.member_suspend(member=member, moderator=moderator, reason="Pause")

    response = _signed_in(moderator).post(
        reverse("comments:suspension", args=[member.pk]), {"action": "lift"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Suspension.objects.active().exists()
    waiting.refresh_from_db()
    assert waiting.status == S.PENDING
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.UNSUSPENDED).exists()
    html = _signed_in(member).get(post.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Late", "ends_at": "2001-01-01T10:00"}, "must be in the future"),
        ({"reason": "", "ends_at": ""}, "This field is required"),
        ({"reason": "Bad date", "ends_at": "tomorrow"}, "Enter a valid date"),
    ],
)
def test_bad_suspensions_are_refused_and_nothing_is_stored(member, moderator, data, message):
    response = _suspend(moderator, member, **data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not Suspension.objects.exists()


def test_an_ended_suspension_no_longer_applies(post, member, moderator):
    suspension = suspensions.member_suspend(
        member=member,
        moderator=moderator,
        reason="Short",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    Suspension.objects.filter(pk=suspension.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )

    response = _signed_in(member).post(reverse("comments:create", args=[post.pk]), {"body": "Back"})

    assert response.status_code == HTTPStatus.FOUND


def test_only_moderators_reach_the_suspension_page(client, member):
    target = make_user()
    client.force_login(member)

    assert client.get(reverse("comments:suspension", args=[target.pk])).status_code == 403


def test_moderators_find_suspend_in_the_queue_and_the_inline_tools(post, moderator):
    comment = make_comment(post=post, author=make_user(), status=S.PENDING)
    client = _signed_in(moderator)
    url = reverse("comments:suspension", args=[comment.author_id])

    assert f'href="{url}"' in client.get(reverse("comments:queue")).content.decode()
    assert f'href="{url}"' in client.get(post.get_absolute_url()).content.decode()


def test_moderators_suspend_from_the_admin_too(member):
    admin = make_moderator(is_staff=True)

    response = _signed_in(admin).post(
        reverse("admin:comments_suspension_add"), {"member": member.pk, "reason": "Via admin"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert suspensions.active_suspension(member).reason == "Via admin"
    assert ModerationEvent.objects.filter(member=member, actor=admin).exists()
