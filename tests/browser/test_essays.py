from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_content():
    call_command("demo", stdout=StringIO())


def assert_fits_width(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_images_loaded(page, selector):
    images = page.locator(selector)
    assert images.count() > 0
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()  # bio photos load lazily
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )


@pytest.mark.parametrize("width", [375, 1280])
def test_reader_goes_from_the_home_page_to_an_essay_and_its_author_bios(
    page, screenshot, demo_content, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")

    summaries = page.locator("article.summary")
    assert summaries.count() == 10
    assert "min read" in summaries.first.inner_text()
    assert_fits_width(page, width)
    screenshot(page, f"essays-home-{width}")

    page.get_by_role("link", name="The case for a shared device inventory").click()

    assert page.locator("h1").inner_text() == "The case for a shared device inventory"
    assert page.locator(".byline__names a").count() == 3
    assert_images_loaded(page, ".byline__photo")
    assert_images_loaded(page, ".bio__photo")
    assert page.locator(".bio").count() == 3
    assert page.locator("#comments").is_visible()
    assert_fits_width(page, width)
    screenshot(page, f"essay-{width}")


def test_reader_searches_and_sees_highlighted_matches(page, screenshot, demo_content):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search the essays").fill("batteries")
    page.get_by_role("button", name="Search").click()

    first = page.locator(".results .summary").first
    assert "battery care" in first.locator("h2").inner_text().lower()
    assert first.locator("mark").count() > 0
    screenshot(page, "search-1280")
