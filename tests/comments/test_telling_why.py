"""Tell the member why: on reject or remove a moderator picks a canned reason and/or writes
their own; the member reads it on My comments and, if they want such mail, by e-mail."""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import CannedReason, Comment, MailChoice, ModerationEvent
from tests.factories import canned_reason, make_comment, make_user, signed_in, unsubscribe_link

pytestmark = pytest.mark.django_db

S = Comment.Status
MODERATE = "comments:moderate"


@pytest.fixture
def off_topic(db):
    return canned_reason("Off-topic")


@pytest.fixture
def writer(db):
    return make_user(display_name="Wren Writer", email="wren@example.org")


def _decisions(comment):
    return list(comment.events.exclude(action=ModerationEvent.Action.SUBMITTED))


def test_a_few_canned_reasons_are_there_from_the_start():
    CannedReason.objects.all().delete()  # as a transactional test's flush leaves it
    canned_reason("Off-topic")  # the data migration's function, run again

    labels = set(CannedReason.objects.values_list("label", flat=True))
    assert {"Off-topic", "Personal attack", "Spam or advertising"} <= labels
    assert all(CannedReason.objects.values_list("text", flat=True))


def test_a_rejection_from_the_queue_tells_the_member_why_on_my_comments_and_by_mail(
    moderator, writer, post, off_topic, mailoutbox, django_capture_on_commit_callbacks
):
    comment = make_comment(post=post, author=writer, status=S.PENDING, body="About football")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(moderator).post(
            reverse(MODERATE),
            {
                "action": "reject",
                "comments": comment.pk,
                "canned_reason": off_topic.pk,
                "reason": "Try the sports forum.",
            },
        )

    assert response.status_code == HTTPStatus.FOUND
    (event,) = _decisions(comment)
    assert (event.action, event.canned_reason, event.reason) == (
        "rejected",
        off_topic,
        "Try the sports forum.",
    )
    assert event.member_notice == f"{off_topic.text}\n\nTry the sports forum."
    mine = signed_in(writer).get(reverse("my_comments:list")).content.decode()
    assert off_topic.text in mine and "Try the sports forum." in mine
    (mail,) = [m for m in mailoutbox if m.to == [writer.email]]
    assert post.title in mail.subject
    assert off_topic.text in mail.body and "Try the sports forum." in mail.body
    assert unsubscribe_link(mail).startswith("/comments/unsubscribe/")


def test_other_readers_never_see_the_reason(client, moderator, writer, post, off_topic):
    comment = make_comment(post=post, author=writer, status=S.APPROVED, body="Shown a while")
    make_comment(parent=comment, body="A reply keeps a placeholder")
    services.comment_remove(comment=comment, moderator=moderator, canned_reason=off_topic)

    page = client.get(post.get_absolute_url()).content.decode()
    member_page = signed_in(make_user()).get(post.get_absolute_url()).content.decode()

    assert off_topic.text not in page and off_topic.text not in member_page


def test_a_member_who_wants_no_such_mail_reads_the_reason_on_my_comments_only(
    moderator, writer, post, off_topic, mailoutbox, django_capture_on_commit_callbacks
):
    MailChoice.objects.create(member=writer, decisions=False)
    comment = make_comment(post=post, author=writer, status=S.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_remove(comment=comment, moderator=moderator, reason="Too personal.")

    assert [m for m in mailoutbox if m.to == [writer.email]] == []
    assert "Too personal." in signed_in(writer).get(reverse("my_comments:list")).content.decode()


def test_the_mails_one_click_unsubscribe_stops_these_mails(
    moderator, writer, post, off_topic, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reject(
            comment=make_comment(post=post, author=writer, status=S.PENDING),
            moderator=moderator,
            canned_reason=off_topic,
        )
    (mail,) = mailoutbox
    link = unsubscribe_link(mail)

    assert Client().post(link).status_code == HTTPStatus.OK
    assert MailChoice.objects.get(member=writer).decisions is False


def test_a_decision_reversed_before_the_mail_goes_out_is_not_explained(
    moderator, writer, post, off_topic, mailoutbox, django_capture_on_commit_callbacks
):
    comment = make_comment(post=post, author=writer, status=S.PENDING)
    with django_capture_on_commit_callbacks() as queued:  # the mail's task, not yet run
        services.comment_reject(comment=comment, moderator=moderator, canned_reason=off_topic)
    services.comment_approve(comment=comment, moderator=moderator)

    for run in queued:
        run()

    assert len(queued) >= 1
    assert [m for m in mailoutbox if m.to == [writer.email]] == []


def test_spam_and_approval_tell_the_member_nothing(moderator, writer, post, off_topic):
    spam = make_comment(post=post, author=writer, status=S.PENDING)
    fine = make_comment(post=post, author=writer, status=S.PENDING)

    services.comment_mark_spam(comment=spam, moderator=moderator, canned_reason=off_topic)
    services.comment_approve(comment=fine, moderator=moderator, reason="Good point")

    assert [e.member_notice for e in _decisions(spam) + _decisions(fine)] == ["", ""]
    assert off_topic.text not in signed_in(writer).get(reverse("my_comments:list")).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"canned_reason": "999999"}, "That canned reason does not exist"),
        ({"canned_reason": "off-topic"}, "That canned reason does not exist"),
        ({"reason": "x" * 501}, "at most 500 characters"),
        ({"comments": "999999"}, "Select a valid choice"),
    ],
    ids=["unknown canned reason", "not an id", "too long", "forged comment id"],
)
def test_bad_reasons_are_refused_with_a_clear_message_and_nothing_changes(
    moderator, writer, post, fields, message, mailoutbox
):
    comment = make_comment(post=post, author=writer, status=S.PENDING)
    client = signed_in(moderator)

    response = client.post(
        reverse(MODERATE), {"action": "reject", "comments": comment.pk, **fields}, follow=True
    )

    assert message in " ".join(str(m) for m in get_messages(response.wsgi_request))
    comment.refresh_from_db()
    assert comment.status == S.PENDING
    assert _decisions(comment) == [] and mailoutbox == []


def test_the_service_refuses_a_too_long_reason_itself(moderator, post):
    comment = make_comment(post=post, status=S.PENDING)

    with pytest.raises(services.CommentRefused, match="at most 500 characters"):
        services.comment_reject(comment=comment, moderator=moderator, reason="x" * 501)

    comment.refresh_from_db()
    assert comment.status == S.PENDING and _decisions(comment) == []


def test_the_essay_pages_inline_tools_lead_to_the_reason_page(moderator, writer, post, off_topic):
    comment = make_comment(post=post, author=writer, status=S.APPROVED)
    client = signed_in(moderator)
    decline_url = reverse("comments:decline", args=[comment.pk])

    assert decline_url in client.get(post.get_absolute_url()).content.decode()
    page = client.get(decline_url).content.decode()
    assert off_topic.label in page and reverse(MODERATE) in page

    client.post(
        reverse(MODERATE),
        {"action": "remove", "comments": comment.pk, "canned_reason": off_topic.pk},
    )
    comment.refresh_from_db()
    assert comment.status == S.REMOVED
    assert _decisions(comment)[0].member_notice == off_topic.text


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("member", 403)])
def test_only_moderators_open_the_reason_page(client, member, post, who, status):
    comment = make_comment(post=post, status=S.PENDING)
    if who == "member":
        client.force_login(member)

    response = client.get(reverse("comments:decline", args=[comment.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("where", ["list", "change form"])
def test_the_admin_actions_take_the_reason_through_the_same_service(
    client, staff_moderator, writer, post, off_topic, where
):
    comment = make_comment(post=post, author=writer, status=S.APPROVED)
    client.force_login(staff_moderator)
    if where == "list":
        url = reverse("admin:comments_comment_changelist")
        data = {"action": "comment_remove", "canned_reason": off_topic.pk, "reason": "Sorry."}
        assert off_topic.label in client.get(url).content.decode()
    else:
        url = reverse("admin:comments_comment_change", args=[comment.pk])
        data = {
            "CHANGE_FORM-action": "comment_remove",
            "CHANGE_FORM-canned_reason": off_topic.pk,
            "CHANGE_FORM-reason": "Sorry.",
        }

    client.post(url, {**data, "_selected_action": [comment.pk]})

    comment.refresh_from_db()
    assert comment.status == S.REMOVED
    (event,) = _decisions(comment)
    assert (event.actor, event.canned_reason, event.reason) == (
        staff_moderator,
        off_topic,
        "Sorry.",
    )


@pytest.mark.parametrize(
    "fields", [{"canned_reason": "999999"}, {"reason": "x" * 501}], ids=["unknown", "too long"]
)
def test_the_admin_refuses_bad_reasons_and_changes_nothing(client, staff_moderator, post, fields):
    comment = make_comment(post=post, status=S.PENDING)
    client.force_login(staff_moderator)

    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "comment_reject", "_selected_action": [comment.pk], **fields},
        follow=True,
    )

    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "does not exist" in text or "at most 500 characters" in text
    comment.refresh_from_db()
    assert comment.status == S.PENDING and _decisions(comment) == []


def test_moderators_edit_canned_reasons_in_the_admin_and_others_cannot(
    client, staff_moderator, post
):
    from django.contrib.auth.models import Permission

    client.force_login(staff_moderator)
    add = reverse("admin:comments_cannedreason_add")
    client.post(add, {"label": "Rude", "text": "Please be civil.", "position": 5})
    assert CannedReason.objects.filter(label="Rude").exists()
    duplicate = client.post(add, {"label": "Rude", "text": "Again", "position": 6})
    assert "Another canned reason already has this label." in duplicate.content.decode()
    assert client.post(add, {"label": "Long", "text": "x" * 401}).status_code == HTTPStatus.OK
    assert not CannedReason.objects.filter(label="Long").exists()

    editor = make_user(is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename="change_post"))
    client.force_login(editor)
    assert client.get(add).status_code == HTTPStatus.FORBIDDEN
