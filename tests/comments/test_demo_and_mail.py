from io import StringIO

import pytest
from django.core.management import call_command

from comments import services
from comments.models import Comment
from tests.factories import make_comment, make_post, make_user, wants_reply_mail

pytestmark = pytest.mark.django_db

S = Comment.Status


def test_demo_conversations_are_threaded_moderated_and_idempotent():
    call_command("demo", stdout=StringIO())
    first = list(Comment.objects.values_list("pk", "status"))

    call_command("demo", stdout=StringIO())

    assert list(Comment.objects.values_list("pk", "status")) == first
    assert Comment.objects.filter(depth__gte=3).exists()
    assert Comment.objects.filter(status=S.PENDING).exists()
    removed = Comment.objects.get(status=S.REMOVED)
    assert removed.replies.filter(status=S.APPROVED).exists()
    for comment in Comment.objects.select_related("post"):
        assert comment.post.comment_count == comment.post.comments.public().count()


def test_the_parent_author_hears_of_a_published_reply_only_when_they_asked(
    post, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    asked = wants_reply_mail(make_user())
    did_not_ask = make_user()
    replies = [
        make_comment(parent=make_comment(post=post, author=parent_author), status=S.PENDING)
        for parent_author in (asked, did_not_ask)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        for reply in replies:
            services.comment_approve(comment=reply, moderator=moderator)

    assert [mail.to for mail in mailoutbox] == [[asked.email]]
    assert "replied to you" in mailoutbox[0].subject
    assert f"/comments/{replies[0].pk}/" in mailoutbox[0].body  # the reply's permalink


def test_no_mail_is_sent_when_the_transaction_does_not_commit(post, member, mailoutbox):
    # Without running on-commit callbacks, nothing leaves: mail waits for the commit.
    services.comment_submit(post=post, author=member, body="Held", notify_on_approval=True)

    assert mailoutbox == []


def test_mail_subjects_carry_names_and_titles_as_written_on_one_line(
    moderator, mailoutbox, django_capture_on_commit_callbacks
):
    post = make_post(title="Ethics & the Editor's Pen")
    parent = make_comment(post=post, author=wants_reply_mail(make_user()))
    replier = make_user(display_name="Ann <Admin>\r\nBcc: victim@example.org")
    reply = make_comment(parent=parent, author=replier, status=S.PENDING, notify_on_approval=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_approve(comment=reply, moderator=moderator)
        services.comment_submit(post=post, author=make_user(), body="Held")

    subjects = sorted(mail.subject for mail in mailoutbox)
    assert subjects == [
        "Ann <Admin> Bcc: victim@example.org replied to you on “Ethics & the Editor's Pen”",
        "One comment is waiting for moderation",
        "Your comment on “Ethics & the Editor's Pen” is published",
    ]
    for mail in mailoutbox:
        assert mail.message()["Bcc"] is None
