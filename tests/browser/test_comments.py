"""A conversation under an essay, in Chromium: members post and reply (with JavaScript, in
place), a moderator approves from the queue, and readers then see the comment where it belongs."""

import pytest
from django.conf import settings
from django.test import Client

from comments.models import Comment
from tests.factories import make_comment, make_moderator, make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(new_context, live_server, user, *, width=1280, javascript=True):
    """A browser tab whose session is the given user's (no sign-in provider involved)."""
    client = Client()
    client.force_login(user)
    context = new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.fixture
def conversation():
    post = make_post(title="Alarm fatigue is a design problem")
    first = make_comment(
        post=post, author=make_user(display_name="Priya Raman"), body="We saw the same."
    )
    make_comment(post=post, author=make_user(display_name="Leila Haddad"), body="A later thought.")
    return post, first


def test_member_replies_moderator_approves_and_readers_see_it_in_place(
    new_context, live_server, page, screenshot, conversation
):
    post, first = conversation
    member = signed_in(new_context, live_server, make_user(display_name="Tomasz Wójcik"))
    member.goto(post.get_absolute_url())
    member.evaluate("window.notReloaded = true")

    member.locator(f"#comment-{first.pk} .comment__reply").click()
    form = member.locator(f"#comment-{first.pk} form[data-comment-form]")
    form.locator("textarea").fill("Did the changes survive the next rotation? 🙂")
    form.get_by_role("button", name="Post comment").click()

    reply = member.locator(f"#comment-{first.pk} > .comment__replies > .comment--pending")
    reply.get_by_text("Awaiting moderation", exact=True).wait_for()
    assert "rotation? 🙂" in reply.inner_text()
    assert member.evaluate("window.notReloaded") is True  # posted without a page load
    screenshot(member, "comments-member-reply-awaiting-moderation")
    stored = Comment.objects.get(parent=first)
    assert stored.status == Comment.Status.PENDING

    page.goto(post.get_absolute_url())
    assert "rotation?" not in page.locator("#comments").inner_text()

    moderator = signed_in(new_context, live_server, make_moderator(display_name="Mo Derator"))
    moderator.goto("/comments/moderation/")
    item = moderator.locator(f"#queue-{stored.pk}")
    assert "We saw the same." in item.inner_text()  # shown in context
    screenshot(moderator, "comments-moderation-queue")
    item.get_by_role("button", name="Approve", exact=True).click()
    moderator.get_by_text("Approved 1 comment.").wait_for()

    page.goto(post.get_absolute_url())
    placed = page.locator(f"#comment-{first.pk} > .comment__replies > #comment-{stored.pk}")
    assert "rotation? 🙂" in placed.inner_text()
    assert "in reply to Priya Raman" in placed.inner_text()
    assert page.locator("#comments-heading").inner_text() == (
        "3 thoughts on “Alarm fatigue is a design problem”"
    )
    screenshot(page, "comments-reader-sees-approved-reply")


def test_a_draft_typed_before_signing_in_is_waiting_after_sign_in(
    new_context, live_server, page, conversation
):
    post, first = conversation
    page.goto(post.get_absolute_url())
    page.locator("#respond textarea").fill("Typed before signing in.")

    member = signed_in(new_context, live_server, make_user())
    # Same browser profile in real life; here the draft travels in localStorage of the origin.
    draft = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    member.goto(post.get_absolute_url())
    member.evaluate(
        "d => { for (const [k, v] of Object.entries(JSON.parse(d))) localStorage.setItem(k, v) }",
        draft,
    )
    member.reload()

    assert member.locator("#respond textarea").input_value() == "Typed before signing in."
    member.get_by_role("button", name="Post comment").click()
    member.locator(".comment--pending").get_by_text("Typed before signing in.").wait_for()
    assert member.evaluate("Object.keys(localStorage).length") == 0  # cleared once posted


def test_without_javascript_reply_is_a_page_of_its_own_and_fits_a_phone(
    new_context, live_server, screenshot, conversation
):
    post, first = conversation
    deep = first
    for level in range(3):
        deep = make_comment(parent=deep, body=f"Level {level + 2} of a long exchange.")
    member = signed_in(new_context, live_server, make_user(), width=375, javascript=False)
    member.goto(post.get_absolute_url())
    assert member.evaluate("document.documentElement.scrollWidth") <= 375

    member.locator(f"#comment-{deep.pk} .comment__reply").click()
    assert member.url.endswith(f"/comments/{deep.pk}/reply/#respond")
    assert "Level 4 of a long exchange." in member.locator(".comment-quote").inner_text()
    member.locator("textarea[name=body]").fill("The fifth level, and the last.")
    member.get_by_role("button", name="Post comment").click()

    stored = Comment.objects.get(parent=deep)
    assert member.url.endswith(f"#comment-{stored.pk}")
    assert "awaiting moderation" in member.locator(".messages").inner_text()
    last = member.locator(f"#comment-{stored.pk}")
    assert "Awaiting moderation" in last.inner_text()
    assert last.locator(".comment__reply").count() == 0  # the deepest level has no Reply
    assert member.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(member, "comments-phone-no-javascript")
