"""Following essays, mail choices, and one-click unsubscribe (RFC 8058)."""

from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import following, services
from comments.models import Comment, EssayFollow, MailChoice
from tests.factories import (
    make_comment,
    make_moderator,
    make_post,
    make_user,
    signed_in,
    unsubscribe_link,
    wants_reply_mail,
)

pytestmark = pytest.mark.django_db

S = Comment.Status


@pytest.fixture
def follower(post):
    member = make_user(email="fran@example.org", display_name="Fran Follower")
    signed_in(member).post(reverse("comments:follow", args=[post.pk]), {"action": "follow"})
    return member


def _publish(post, *, author=None, mail=None, capture=None, **fields):
    with capture(execute=True):
        return services.comment_submit(
            post=post, author=author or make_moderator(), body="Fresh thoughts", **fields
        )


def test_following_from_the_thread_mails_each_new_comment_with_an_unsubscribe_link(
    post, follower, mailoutbox, django_capture_on_commit_callbacks
):
    assert EssayFollow.objects.filter(member=follower, post=post).exists()
    page = signed_in(follower).get(post.get_absolute_url()).content.decode()
    assert "Stop e-mailing me new comments" in page

    _publish(post, capture=django_capture_on_commit_callbacks)

    (mail,) = [m for m in mailoutbox if m.to == [follower.email]]
    assert post.title in mail.subject and "Fresh thoughts" in mail.body
    assert unsubscribe_link(mail).startswith("/comments/unsubscribe/")


def test_the_comment_form_box_follows_the_essay(post, member):
    signed_in(member).post(
        reverse("comments:create", args=[post.pk]), {"body": "Count me in", "follow": "on"}
    )

    assert EssayFollow.objects.filter(member=member, post=post).exists()


def test_nobody_is_mailed_about_their_own_comment_or_a_held_one(
    post, follower, mailoutbox, django_capture_on_commit_callbacks
):
    _publish(post, author=follower, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_submit(post=post, author=make_user(), body="Held for now")

    assert [m for m in mailoutbox if m.to == [follower.email]] == []


def test_one_click_unsubscribe_works_without_signing_in_and_only_by_post(
    post, follower, mailoutbox, django_capture_on_commit_callbacks
):
    _publish(post, capture=django_capture_on_commit_callbacks)
    link = unsubscribe_link(mailoutbox[-1])
    mail_program = Client(enforce_csrf_checks=True)

    assert mail_program.get(link).status_code == HTTPStatus.OK  # a link scanner changes nothing
    assert EssayFollow.objects.filter(member=follower).exists()
    response = mail_program.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == HTTPStatus.OK
    assert "no longer get mail about new comments on this essay" in response.content.decode()
    assert not EssayFollow.objects.filter(member=follower).exists()
    again = mail_program.post(link, {"List-Unsubscribe": "One-Click"})
    assert "already unsubscribed" in again.content.decode()


@pytest.mark.parametrize("forgery", ["garbage", "tampered"])
def test_forged_unsubscribe_links_are_refused(client, follower, forgery):
    url = following.unsubscribe_url(member=follower, topic="follows")
    token = url.rstrip("/").rsplit("/", 1)[1]
    token = (
        "garbage" if forgery == "garbage" else token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    )

    response = client.post(reverse("comments:unsubscribe", args=[token]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()
    assert not MailChoice.objects.exists()


def test_an_expired_unsubscribe_link_says_so(client, follower, monkeypatch):
    url = following.unsubscribe_url(member=follower, topic="follows")
    monkeypatch.setattr(following, "TOKEN_MAX_AGE", timedelta(seconds=-1))

    response = client.post(urlsplit(url).path)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expired" in response.content.decode()


def test_a_draft_essay_cannot_be_followed(member):
    draft = make_post(status="draft")

    response = signed_in(member).post(reverse("comments:follow", args=[draft.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not EssayFollow.objects.exists()


def test_a_daily_digest_replaces_the_immediate_mails(
    post, follower, mailoutbox, django_capture_on_commit_callbacks
):
    following.mail_choice_update(
        member=follower, follows="daily", replies="immediate", decisions=True, published=True
    )
    _publish(post, capture=django_capture_on_commit_callbacks)
    assert [m for m in mailoutbox if m.to == [follower.email]] == []

    call_command("send_comment_digests")

    (digest,) = [m for m in mailoutbox if m.to == [follower.email]]
    assert "1 new comment" in digest.subject or "One new comment" in digest.subject
    assert "Fresh thoughts" in digest.body
    unsubscribe_link(digest)


def test_reply_mail_carries_the_unsubscribe_headers_and_respects_the_choice(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    asked = wants_reply_mail(make_user(email="ann@example.org"))
    parent = make_comment(post=post, author=asked)
    _publish(post, parent=parent, capture=django_capture_on_commit_callbacks)
    (reply_mail,) = [m for m in mailoutbox if m.to == [asked.email]]
    unsubscribe_link(reply_mail)

    Client().post(unsubscribe_link(reply_mail))
    mailoutbox.clear()
    _publish(post, parent=parent, capture=django_capture_on_commit_callbacks)

    assert [m for m in mailoutbox if m.to == [asked.email]] == []


def test_the_mail_page_shows_and_changes_every_subscription(post, follower):
    client = signed_in(follower)
    page = client.get(reverse("my_comments:mail")).content.decode()
    assert post.title in page

    client.post(reverse("my_comments:mail"), {"replies": "off", "follows": "daily"})
    client.post(reverse("my_comments:mail"), {"unfollow": str(post.pk)})

    choice = MailChoice.objects.get(member=follower)
    assert (choice.replies, choice.follows) == ("off", "daily")
    assert not EssayFollow.objects.exists()
    bad = client.post(reverse("my_comments:mail"), {"replies": "hourly", "follows": "daily"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
