"""Moderators redact: readers see the new text marked "edited by a moderator"; the member's
original stays in the history, for moderators only."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import Comment, CommentRevision, ModerationEvent
from tests.factories import make_comment, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(post, member):
    return make_comment(post=post, author=member, body="Call Jo on 07700 900123 tonight")


def test_a_redaction_shows_readers_the_new_text_and_keeps_the_original_for_moderators(
    client, comment, moderator, member, django_capture_on_commit_callbacks
):
    moderators = signed_in(moderator)
    client.get(comment.post.get_absolute_url())  # the public thread is cached now

    with django_capture_on_commit_callbacks(execute=True):  # cached pages go stale on commit
        response = moderators.post(
            reverse("comments:redact", args=[comment.pk]),
            {"body": "Call Jo [number removed] tonight", "reason": "Personal information"},
        )

    assert response.status_code == HTTPStatus.FOUND
    page = client.get(comment.post.get_absolute_url()).content.decode()
    assert "Call Jo [number removed] tonight" in page
    assert "07700" not in page
    assert "(edited by a moderator)" in page
    history = moderators.get(reverse("comments:history", args=[comment.pk])).content.decode()
    assert "07700 900123" in history and "Personal information" in history
    assert signed_in(member).get(reverse("comments:history", args=[comment.pk])).status_code == 403
    event = ModerationEvent.objects.get(action=ModerationEvent.Action.REDACTED)
    assert (event.actor, event.reason) == (moderator, "Personal information")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "Shorter", "reason": ""}, "This field is required"),
        ({"body": "Shorter", "reason": "\u200b\u2060"}, "Say why you edit this comment"),
        ({"body": "\u200b", "reason": "Oops"}, "Please write something before posting."),
    ],
)
def test_a_redaction_without_a_reason_or_text_is_refused(comment, moderator, data, message):
    response = signed_in(moderator).post(reverse("comments:redact", args=[comment.pk]), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    comment.refresh_from_db()
    assert comment.body.startswith("Call Jo on 07700")
    assert not CommentRevision.objects.exists()


def test_only_moderators_redact(comment, member):
    response = signed_in(member).post(
        reverse("comments:redact", args=[comment.pk]), {"body": "Mine now", "reason": "x"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Comment.objects.get(pk=comment.pk).redacted_at is None


def test_moderators_find_redact_in_the_inline_tools(comment, moderator):
    page = signed_in(moderator).get(comment.post.get_absolute_url()).content.decode()

    assert f'href="{reverse("comments:redact", args=[comment.pk])}"' in page
