"""The Content-Security-Policy in a real browser: the site and the admin work under it, and a
violation makes the browser tests fail."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_author, make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_inline_script_is_refused_and_reported_to_the_tests(page, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    csp_violations.expect(page, "script-src")  # seen and expected: not a failure of this test
    assert page.evaluate("window.injected") is None


def test_pages_may_not_use_the_camera_microphone_location_or_payments(page):
    page.goto("/")

    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert page.evaluate("f => document.featurePolicy.allowsFeature(f)", feature) is False
    assert page.evaluate("document.featurePolicy.allowsFeature('fullscreen')") is True


def test_an_editor_works_in_the_admin_under_the_policy(page, screenshot, session_key):
    make_staff(group="Editors", username="editor", password="a-long-editor-password")
    make_author(name="Amara Okafor")
    make_comment(post=make_post(title="On listening"), body="A first thought.")

    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-editor-password")
    before = session_key(page)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert session_key(page) not in {before, None}  # a new session at sign-in

    # The add form's scripts run: the slug follows the title, the calendar fills in today, and
    # the author box asks the server for names.
    page.goto("/admin/blog/post/add/")
    page.get_by_label("Title").press_sequentially("Notes from the spring meeting")
    expect(page.get_by_label("Slug")).to_have_value("notes-from-the-spring-meeting")
    page.get_by_role("button", name="Today (").click()
    expect(page.locator("#id_published_at_0")).not_to_have_value("")
    page.locator(".inline-group .select2-selection").first.click()
    page.locator(".select2-dropdown .select2-search__field").fill("Amara")
    expect(page.locator(".select2-results")).to_contain_text("Amara Okafor")
    screenshot(page, "admin-post-add-under-csp")

    # The essays list: selecting every row counts them for an action.
    page.goto("/admin/blog/post/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")

    # The editor's other pages load without a refusal (the page fixture checks at teardown).
    for path in ["/admin/accounts/author/", "/admin/accounts/author/add/", "/admin/blog/tag/add/"]:
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
