"""Replying with the keyboard only: Tab to Reply, Enter, type, Escape to change one's mind,
post, and carry on from the new comment (its own Reply and Edit links, without a reload)."""

import pytest

from tests.browser.test_comments import signed_in
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, locator, *, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until the locator has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{locator} never took the focus")


def test_a_member_replies_with_the_keyboard_only(new_context, live_server, screenshot):
    post = make_post(title="Alarm fatigue is a design problem")
    first = make_comment(
        post=post, author=make_user(display_name="Priya Raman"), body="We saw the same."
    )
    page = signed_in(new_context, live_server, make_user(display_name="Tomasz Wójcik"))
    page.goto(post.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    reply_link = page.locator(f"#comment-{first.pk} .comment__reply")
    textarea = page.locator(f"#comment-{first.pk} form[data-comment-form] textarea")

    tab_to(page, reply_link)
    page.keyboard.press("Enter")
    assert textarea.evaluate("(el) => el === document.activeElement")
    page.keyboard.type("On second thoughts")
    page.keyboard.press("Escape")

    assert page.locator(f"#comment-{first.pk} form[data-comment-form]").count() == 0
    assert reply_link.evaluate("(el) => el === document.activeElement")

    page.keyboard.press("Enter")
    assert textarea.evaluate("(el) => el === document.activeElement")
    assert textarea.input_value() == "On second thoughts"  # kept as a draft meanwhile
    page.keyboard.type(": did the changes survive the next rotation?")
    tab_to(page, page.locator(f"#comment-{first.pk} button[type=submit]"))
    page.keyboard.press("Enter")

    new_item = page.locator(f"#comment-{first.pk} > .comment__replies > .comment").first
    new_card = new_item.locator(":scope > .comment__card")
    new_card.get_by_role("status").wait_for()
    assert "survive the next rotation?" in new_card.inner_text()
    assert new_card.evaluate("(el) => el === document.activeElement")  # focus followed
    screenshot(page, "comments-keyboard-reply-posted")

    # The new comment's own links are there and work, still without a reload.
    new_reply = new_card.locator(".comment__reply")
    assert new_card.get_by_role("link", name="Edit or delete").count() == 1
    tab_to(page, new_reply, limit=6)
    page.keyboard.press("Enter")
    nested = new_item.locator("form[data-comment-form] textarea")
    assert nested.evaluate("(el) => el === document.activeElement")
    page.keyboard.press("Escape")
    assert new_reply.evaluate("(el) => el === document.activeElement")
    assert page.evaluate("window.notReloaded") is True
