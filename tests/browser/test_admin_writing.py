"""Editors write in the admin with a live preview, by keyboard alone."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from tests.factories import image_bytes, make_author, make_post, make_staff

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
    expect(preview.locator("figure figcaption")).to_have_text("— A nurse")
    expect(preview.locator("h2")).to_have_text("Why alarms")
    assert preview.locator("em").inner_text() == "many"
    # Reachable by keyboard: Tab from the body passes the image fields (file, description,
    # button) and lands in the preview, which can then be scrolled with the arrow keys.
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert focused[-1] == "Preview of the body, as readers will see it"
    screenshot(page, "admin-essay-preview-1280")


def test_editor_uploads_an_image_into_the_body_and_sees_it_in_the_preview(
    editor_page, screenshot, tmp_path
):
    page = editor_page
    picture = tmp_path / "ward.jpg"
    picture.write_bytes(image_bytes(size=(1600, 900), color=(30, 120, 90)))
    page.goto("/admin/blog/post/add/")
    body = page.get_by_role("textbox", name="Body:")
    body.fill("The ward at night.")

    page.get_by_label("Image", exact=True).set_input_files(picture)
    page.get_by_label("Description (for readers who cannot see it)").fill("A quiet ward")
    page.keyboard.press("Enter")  # uploads; does not submit the essay form

    page.get_by_role("status").filter(has_text="Image inserted into the body.").wait_for()
    assert page.evaluate("document.activeElement.name") == "body"
    assert body.input_value().startswith("The ward at night.\n\n![A quiet ward](/media/essays/")
    image = page.get_by_role("region", name="Preview of the body, as readers will see it").locator(
        "img[srcset]"
    )
    image.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.get_attribute("alt") == "A quiet ward"
    screenshot(page, "admin-essay-image-1280")


def test_an_upload_without_a_description_is_refused_with_a_message(editor_page, tmp_path):
    page = editor_page
    picture = tmp_path / "ward.jpg"
    picture.write_bytes(image_bytes(size=(800, 800)))
    page.goto("/admin/blog/post/add/")

    page.get_by_label("Image", exact=True).set_input_files(picture)
    page.get_by_role("button", name="Upload and insert").click()

    page.get_by_role("status").filter(has_text="Describe the image").wait_for()
    assert page.get_by_role("textbox", name="Body:").input_value() == ""


def test_editor_compares_a_revision_and_restores_it(editor_page, screenshot):
    page = editor_page
    post = make_post(title="Pumps", body="Check the pumps daily.\n\nThen rest.")
    post.body = "Check the pumps weekly, with care.\n\nThen rest."
    post.save()
    page.goto(f"/admin/blog/post/{post.pk}/change/")

    page.get_by_role("link", name="History").click()
    page.get_by_role("link", name=re.compile(r"\d{4}")).last.click()

    diff = page.locator(".revision__diff")
    assert diff.locator("del").inner_text() == "weekly, with care"
    assert diff.locator("ins").inner_text() == "daily"
    screenshot(page, "admin-essay-revision-1280")
    page.get_by_role("button", name="Restore this version").click()

    expect(page.locator(".messagelist")).to_contain_text("back to this version")
    assert page.get_by_role("textbox", name="Body:").input_value() == (
        "Check the pumps daily.\n\nThen rest."
    )


def choose_author(page, row: int, name: str):
    """Pick an author in the byline's autocomplete box, by keyboard."""
    page.locator(f"#bylines-{row} .select2-selection").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_focused()
    page.keyboard.type(name[:4])
    # The search answers asynchronously: wait until it has narrowed the list to this author.
    expect(page.locator(".select2-results__option")).to_have_text([name])
    page.keyboard.press("Enter")


def test_editor_writes_orders_the_byline_schedules_and_the_essay_goes_live(
    editor_page, screenshot, client
):
    page = editor_page
    make_author(name="Amara Okafor")
    make_author(name="Tom Reyes")
    page.goto("/admin/blog/post/add/")
    page.get_by_label("Title:").fill("Alarm fatigue, revisited")
    page.get_by_label("Summary:").fill("Too many beeps.")
    choose_author(page, 0, "Amara Okafor")
    page.get_by_role("button", name="Add another Author", exact=True).click()
    choose_author(page, 1, "Tom Reyes")
    page.locator("#bylines-1").get_by_role("button", name="Move up").click()
    page.get_by_role("textbox", name="Body:").fill("## Why\n\nBecause.")
    expect(page.locator("[data-preview-output] h2")).to_have_text("Why")
    # Close-after applies only to comments that close automatically.
    close_after = page.get_by_label("Close comments after (days):")
    expect(close_after).to_be_hidden()
    page.get_by_label("Comments:", exact=True).select_option("auto_close")
    expect(close_after).to_be_visible()
    page.get_by_label("Status:").select_option("published")
    goes_live = timezone.localtime() + timedelta(seconds=6)
    page.get_by_label("Date:").fill(goes_live.strftime("%Y-%m-%d"))
    page.get_by_label("Time:").fill(goes_live.strftime("%H:%M:%S"))
    screenshot(page, "admin-essay-form-1280")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(title="Alarm fatigue, revisited")
    assert [author.name for author in post.byline_authors] == ["Tom Reyes", "Amara Okafor"]
    assert post.is_scheduled()
    public = page.context.new_page()
    assert public.goto(post.get_absolute_url()).status == HTTPStatus.NOT_FOUND
    public.wait_for_timeout(max(0, (goes_live - timezone.localtime()).total_seconds() * 1000))
    assert public.goto(post.get_absolute_url()).status == HTTPStatus.OK
    assert public.locator("h1").inner_text() == "Alarm fatigue, revisited"
