"""Every member mail carries a signed one-click unsubscribe link, in its text and in the
List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058); every switch lives in one place,
MailChoice, shown and changed on the account page and the mail page."""

import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment, EssayFollow, MailChoice
from tests.factories import (
    canned_reason,
    make_comment,
    make_moderator,
    make_user,
    signed_in,
    unsubscribe_link,
    wants_reply_mail,
)

pytestmark = pytest.mark.django_db

S = Comment.Status


def _reply(post, member, capture):
    parent = make_comment(post=post, author=member)
    with capture(execute=True):
        services.comment_submit(post=post, author=make_moderator(), body="A reply", parent=parent)


def _follow(post, member, capture):
    EssayFollow.objects.create(member=member, post=post)
    with capture(execute=True):
        services.comment_submit(post=post, author=make_moderator(), body="News")


def _digest(post, member, capture):
    MailChoice.objects.update_or_create(member=member, defaults={"follows": "daily"})
    _follow(post, member, capture)
    call_command("send_comment_digests")


def _published(post, member, capture):
    held = make_comment(post=post, author=member, status=S.PENDING, notify_on_approval=True)
    with capture(execute=True):
        services.comment_approve(comment=held, moderator=make_moderator())


def _decision(post, member, capture):
    held = make_comment(post=post, author=member, status=S.PENDING)
    with capture(execute=True):
        services.comment_reject(
            comment=held, moderator=make_moderator(), canned_reason=canned_reason("Off-topic")
        )


@pytest.mark.parametrize(
    ("cause", "switch", "off"),
    [
        (_reply, "replies", "off"),
        (_follow, None, None),  # one essay: its follow is removed
        (_digest, "follows", "off"),
        (_published, "published", False),
        (_decision, "decisions", False),
    ],
    ids=["reply", "follow", "digest", "published", "moderator's reason"],
)
def test_every_member_mail_unsubscribes_in_one_click_without_signing_in(
    post, mailoutbox, django_capture_on_commit_callbacks, cause, switch, off
):
    member = wants_reply_mail(make_user(email="pat@example.org"))

    cause(post, member, django_capture_on_commit_callbacks)

    (mail,) = [m for m in mailoutbox if m.to == [member.email]]
    link = unsubscribe_link(mail)
    assert Client().get(link).status_code == HTTPStatus.OK  # a link scanner changes nothing
    assert Client().post(link).status_code == HTTPStatus.OK  # the mail program's one click
    if switch:
        assert getattr(MailChoice.objects.get(member=member), switch) == off
    else:
        assert not EssayFollow.objects.filter(member=member).exists()


def test_a_member_who_turned_off_published_mail_is_not_told_even_if_the_box_was_ticked(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    member = make_user()
    MailChoice.objects.create(member=member, published=False)

    _published(post, member, django_capture_on_commit_callbacks)

    assert [m for m in mailoutbox if m.to == [member.email]] == []


def test_reply_mail_has_one_switch_off_until_asked(
    post, mailoutbox, django_capture_on_commit_callbacks
):
    member = make_user()

    _reply(post, member, django_capture_on_commit_callbacks)
    assert mailoutbox == []

    wants_reply_mail(member)
    _reply(post, member, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_the_account_page_shows_and_changes_every_comment_mail_switch(post):
    member = make_user()
    EssayFollow.objects.create(member=member, post=post)
    client = signed_in(member)

    page = client.get(reverse("accounts:account")).content.decode()
    for label in (
        "Replies to my comments",
        "New comments on essays I follow",
        "My comment is published",
        "A moderator&#x27;s reason",
        "You follow 1 essay",
    ):
        assert label in page
    response = client.post(
        reverse("my_comments:mail"),
        {"replies": "daily", "follows": "off", "decisions": "on", "next": "/accounts/me/"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:account")
    choice = MailChoice.objects.get(member=member)
    assert (choice.replies, choice.follows, choice.published, choice.decisions) == (
        "daily",
        "off",
        False,
        True,
    )
    mail_page = client.get(reverse("my_comments:mail")).content.decode()
    assert re.search(r'name="replies" value="daily"[^>]* checked', mail_page)


def test_mail_choices_from_the_account_page_come_back_only_to_this_site():
    client = signed_in(make_user())

    response = client.post(
        reverse("my_comments:mail"),
        {"replies": "off", "follows": "off", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("my_comments:mail")


def test_bad_mail_choices_are_refused_and_nothing_is_stored():
    member = make_user()

    response = signed_in(member).post(
        reverse("my_comments:mail"), {"replies": "hourly", "follows": "off"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in response.content.decode()
    assert not MailChoice.objects.filter(member=member).exists()


def test_the_export_lists_the_comment_mail_choices(post):
    from accounts.services import user_export

    member = wants_reply_mail(make_user())
    EssayFollow.objects.create(member=member, post=post)

    exported = user_export(user=member)

    assert exported["comment_mail"]["replies"] == "immediate"
    assert exported["comment_mail"]["following"] == [post.title]
    assert "notify_on_reply" not in exported["profile"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_members_reply_mail_as_both_switches_said():
    executor = MigrationExecutor(connection)
    before = [("comments", "0011_seed_canned_reasons"), ("accounts", "0006_staff_display_names")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    User, OldChoice = apps.get_model("accounts", "User"), apps.get_model("comments", "MailChoice")
    asked_no_row = User.objects.create(username="a", notify_on_reply=True)
    asked_daily = User.objects.create(username="b", notify_on_reply=True)
    OldChoice.objects.create(member=asked_daily, replies="daily")
    not_asked_row = User.objects.create(username="c", notify_on_reply=False)
    OldChoice.objects.create(member=not_asked_row, replies="immediate", follows="daily")
    not_asked = User.objects.create(username="d", notify_on_reply=False)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from accounts.models import User

    def replies(user) -> str:
        return MailChoice.of(User.objects.get(pk=user.pk)).replies

    assert [replies(u) for u in (asked_no_row, asked_daily, not_asked_row, not_asked)] == [
        "immediate",
        "daily",
        "off",
        "off",
    ]
    assert MailChoice.objects.get(member_id=not_asked_row.pk).follows == "daily"
