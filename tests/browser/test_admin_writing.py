"""Editors write in the admin with a live preview, by keyboard alone."""

import pytest

from tests.factories import make_author, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-editor-password-7"


@pytest.fixture
def editor_page(page):
    editor = make_staff(group="Editors", username="eddie", display_name="Eddie Tor")
    editor.set_password(PASSWORD)
    editor.save()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def test_editor_types_the_body_with_the_keyboard_and_the_preview_follows(editor_page, screenshot):
    page = editor_page
    make_author(name="Amara Okafor")
    page.goto("/admin/blog/post/add/")

    body = page.get_by_role("textbox", name="Body:")
    body.focus()
    page.keyboard.type("## Why alarms\n\nToo *many* beeps.\n\n> Silence is golden.\n>\n> — A nurse")

    preview = page.get_by_role("region", name="Preview of the body, as readers will see it")
    preview.locator("h2", has_text="Why alarms").wait_for()
    assert preview.locator("em").inner_text() == "many"
    assert preview.locator("figure figcaption").inner_text() == "— A nurse"
    # Reachable by keyboard: Tab from the body moves into the preview, which can be scrolled.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Preview of the body, as readers will see it"
    )
    screenshot(page, "admin-essay-preview-1280")
