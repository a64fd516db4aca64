"""Running a conversation, in Chromium: members report a comment until it is hidden and a
moderator dismisses the reports; a member follows an essay, is mailed about a new comment and
leaves with one click."""

import re
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from comments.models import Comment, EssayFollow
from tests.browser.test_comments import signed_in
from tests.factories import make_comment, make_moderator, make_post, make_thread, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _report(tab, post, comment, reason):
    tab.goto(post.get_absolute_url())
    tab.locator(f"#comment-{comment.pk} .comment__report").click()
    tab.get_by_label(reason).check()
    tab.get_by_role("button", name="Send the report").click()
    tab.get_by_text("Thanks — a moderator will look at it.").wait_for()


def test_reports_hide_a_comment_until_a_moderator_dismisses_them(
    new_context, live_server, page, screenshot, settings
):
    settings.COMMENTS_REPORTS_TO_HIDE = 2
    post = make_post(title="On triage")
    comment = make_comment(
        post=post, author=make_user(display_name="Rex"), body="A sharp but fair point."
    )

    first = signed_in(new_context, live_server, make_user(display_name="Ann"))
    _report(first, post, comment, "Off-topic")
    assert "A sharp but fair point." in first.locator(f"#comment-{comment.pk}").inner_text()
    page.goto(post.get_absolute_url())
    assert "A sharp but fair point." in page.locator("#comments").inner_text()

    second = signed_in(new_context, live_server, make_user(display_name="Ben"))
    _report(second, post, comment, "Abuse or harassment")
    page.goto(post.get_absolute_url())
    assert "A sharp but fair point." not in page.locator("#comments").inner_text()

    moderator = signed_in(new_context, live_server, make_moderator())
    moderator.goto("/comments/moderation/?status=reported")
    item = moderator.locator(f"#queue-{comment.pk}")
    assert "Off-topic: 1 report" in item.inner_text()
    assert "Abuse or harassment: 1 report" in item.inner_text()
    screenshot(moderator, "community-reported-comment-in-queue")
    item.get_by_role("button", name="Dismiss reports").click()
    moderator.get_by_text("Dismissed the reports on 1 comment.").wait_for()

    page.goto(post.get_absolute_url())
    assert "A sharp but fair point." in page.locator("#comments").inner_text()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_follow_then_a_new_comment_is_mailed_with_a_working_one_click_unsubscribe(
    new_context, live_server, page, mailoutbox
):
    post = make_post(title="Night shifts")
    fran = make_user(display_name="Fran", email="fran@example.org")
    follower = signed_in(new_context, live_server, fran)
    follower.goto(post.get_absolute_url())
    follower.get_by_role("button", name="E-mail me new comments on this essay").click()
    follower.get_by_role("button", name="Stop e-mailing me new comments").wait_for()

    writer = signed_in(new_context, live_server, make_moderator(display_name="Mo"))
    writer.goto(post.get_absolute_url())
    writer.locator("#comment-form textarea").fill("Rotas changed in spring.")
    writer.get_by_role("button", name="Post comment").click()
    writer.get_by_text("Your comment is published.").wait_for()

    (mail,) = [m for m in mailoutbox if m.to == ["fran@example.org"]]
    assert "Rotas changed in spring." in mail.body
    link = re.match(r"<(.+)>", mail.extra_headers["List-Unsubscribe"])[1]
    path = urlsplit(link).path

    page.goto(path)  # opening the link (as a scanner would) asks, and changes nothing
    assert EssayFollow.objects.filter(member=fran).exists()
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_text("You no longer get mail about new comments on this essay.").wait_for()
    assert not EssayFollow.objects.filter(member=fran).exists()

    # The mail program's own one-click POST (RFC 8058) is answered too, without a session.
    request = urllib.request.Request(
        f"{live_server.url}{path}", data=b"List-Unsubscribe=One-Click", method="POST"
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert "already unsubscribed" in response.read().decode()


def test_a_moderator_suspends_a_member_who_then_sees_the_notice_where_the_form_was(
    new_context, live_server, screenshot
):
    post = make_post(title="On handovers")
    member = make_user(display_name="Rex")
    make_comment(post=post, author=member, body="Handovers are a waste of time, idiots.")

    moderator = signed_in(new_context, live_server, make_moderator())
    moderator.goto(post.get_absolute_url())
    moderator.get_by_role("link", name="Suspend the author").click()
    moderator.get_by_label("Reason (the member sees it)").fill("Insulting other members")
    moderator.get_by_label("Until").fill("2099-01-31T12:00")
    moderator.get_by_role("button", name="Suspend").click()
    moderator.get_by_text("The member is suspended.").wait_for()

    tab = signed_in(new_context, live_server, member)
    tab.goto(post.get_absolute_url())
    notice = tab.locator(".comments__suspended")
    assert "suspended from commenting until 31 January 2099 at 12:00" in notice.inner_text()
    assert "Insulting other members" in notice.inner_text()
    assert tab.locator("#comment-form").count() == 0
    screenshot(tab, "community-suspended-member-notice")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_long_threads_page_with_show_more_in_place_or_linked_pages(
    new_context, live_server, settings, javascript
):
    settings.COMMENTS_PER_PAGE = 2
    post = make_post(title="A long conversation")
    make_thread(post=post, count=10, depth=2)  # five threads of two comments
    tab = signed_in(new_context, live_server, make_user(), javascript=javascript)
    tab.goto(post.get_absolute_url())
    if javascript:
        tab.evaluate("window.notReloaded = true")
    items = tab.locator("[data-comment-list] > li")
    assert items.count() == 2

    tab.get_by_role("link", name="Show more").click()
    if javascript:
        expect(items).to_have_count(4)
        assert tab.evaluate("window.notReloaded") is True  # added in place
        tab.get_by_role("link", name="Show more").click()
        expect(items).to_have_count(5)
        assert tab.get_by_role("link", name="Show more").count() == 0
    else:
        tab.wait_for_url("**?comments=2#comments")
        assert items.count() == 2
        assert "Thought 4:" in tab.locator("[data-comment-list]").inner_text()
        tab.get_by_role("link", name="Earlier page").click()
        tab.wait_for_url("**/essays/*/#comments")
        assert "Thought 0:" in tab.locator("[data-comment-list]").inner_text()
