"""Moderators' tools and members' mail, in Chromium: the header says how many comments wait, a
moderator declines one telling the member why, the member reads it; a member follows an essay
from the comment form, a reply is mailed to her and she leaves with the mail's one-click link."""

from urllib.parse import urlsplit

import pytest

from comments.models import CannedReason, Comment, EssayFollow
from tests.browser.test_comments import signed_in
from tests.factories import (
    canned_reason,
    make_comment,
    make_moderator,
    make_post,
    make_user,
    role_group,
    unsubscribe_link,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_header_leads_to_the_queue_and_a_declined_member_reads_why(
    new_context, live_server, mailoutbox, screenshot
):
    off_topic = canned_reason("Off-topic")
    post = make_post(title="On rotas")
    writer = make_user(display_name="Wren", email="wren@example.org")
    held = make_comment(post=post, author=writer, status=Comment.Status.PENDING, body="Football!")

    moderator = signed_in(new_context, live_server, make_moderator())
    moderator.goto("/")
    moderator.get_by_role("link", name="Moderation (1 waiting)").click()
    moderator.get_by_role("link", name="Reject or remove, telling why").click()
    moderator.get_by_label("Canned reason").select_option(label=f"Off-topic — {off_topic.text}")
    moderator.get_by_label("In your own words").fill("The sports forum is the place.")
    screenshot(moderator, "moderation-tell-the-member-why")
    moderator.get_by_role("button", name="Reject").click()
    moderator.get_by_text("Rejected 1 comment.").wait_for()
    moderator.get_by_role("link", name="Moderation (0 waiting)").wait_for()

    held.refresh_from_db()
    assert held.status == Comment.Status.REJECTED
    member = signed_in(new_context, live_server, writer)
    member.goto("/accounts/me/comments/")
    reason = member.locator(f"#mine-{held.pk} .my-comments__reason").inner_text()
    assert off_topic.text in reason and "The sports forum is the place." in reason
    assert member.get_by_role("link", name="Moderation (0 waiting)").count() == 0
    screenshot(member, "my-comments-with-the-moderators-reason")
    (mail,) = [m for m in mailoutbox if m.to == [writer.email]]
    assert "The sports forum is the place." in mail.body
    assert CannedReason.objects.filter(pk=off_topic.pk).exists()


def test_follow_from_the_form_then_a_reply_is_mailed_with_a_working_one_click_unsubscribe(
    new_context, live_server, page, mailoutbox
):
    post = make_post(title="Night rounds")
    fran = make_user(display_name="Fran", email="fran@example.org")
    fran.groups.add(role_group("Trusted commenters"))  # published at once, so it can be replied to
    tab = signed_in(new_context, live_server, fran)
    tab.goto(post.get_absolute_url())
    tab.locator("#comment-form textarea").fill("Who covers the night rounds?")
    tab.get_by_label("E-mail me new comments on this essay").check()
    tab.get_by_role("button", name="Post comment").click()
    tab.get_by_text("Your comment is published.").wait_for()
    first = Comment.objects.get(author=fran)
    assert EssayFollow.objects.filter(member=fran, post=post).exists()

    bo = signed_in(new_context, live_server, make_moderator(display_name="Bo"))
    bo.goto(post.get_absolute_url())
    bo.locator(f"#comment-{first.pk} .comment__reply").click()
    form = bo.locator(f"#comment-{first.pk} form[data-comment-form]")
    form.locator("textarea").fill("The registrar on call does.")
    form.get_by_role("button", name="Post comment").click()
    bo.locator(f"#comment-{first.pk} > .comment__replies").get_by_text("registrar").wait_for()

    # (Her own comment's "published" mail came first: the form's other box was ticked.)
    (mail,) = [m for m in mailoutbox if m.to == [fran.email] and "registrar" in m.body]
    page.goto(urlsplit(unsubscribe_link(mail)).path)
    assert EssayFollow.objects.filter(member=fran).exists()  # opening the link only asks
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_text("You no longer get mail about new comments on this essay.").wait_for()
    assert not EssayFollow.objects.filter(member=fran).exists()
