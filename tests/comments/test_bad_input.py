"""Comments that show nothing, and members posting too fast, are refused with a message."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_moderator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    ["\u200b", "\u200c\u200d", "\u2060 \ufeff", " \u200b\n\u180e\u00ad "],
    ids=["zero-width space", "joiners", "word joiner and BOM", "mixed with spaces"],
)
def test_a_comment_of_only_invisible_characters_is_refused_like_a_blank_one(
    client, member, post, text
):
    client.force_login(member)

    response = client.post(reverse("comments:create", args=[post.pk]), {"body": text})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_second_comment_within_the_flood_window_is_refused_and_its_text_kept(
    client, settings, member, post
):
    settings.COMMENTS_FLOOD_SECONDS = 15
    client.force_login(member)
    url = reverse("comments:create", args=[post.pk])
    client.post(url, {"body": "First thought"})

    response = client.post(url, {"body": "Second thought, right away"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = response.content.decode()
    assert "You&#x27;re posting too quickly — wait a few seconds" in html
    assert "Second thought, right away</textarea>" in html
    assert Comment.objects.count() == 1


def test_moderators_are_exempt_from_the_flood_window(client, settings, post):
    settings.COMMENTS_FLOOD_SECONDS = 15
    client.force_login(make_moderator())
    url = reverse("comments:create", args=[post.pk])

    client.post(url, {"body": "One"})
    client.post(url, {"body": "Two"})

    assert Comment.objects.count() == 2
