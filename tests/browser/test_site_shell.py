import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_with_site_header_and_skip_link(page, screenshot):
    page.goto("/")

    assert page.locator("header.site-header").is_visible()
    assert page.locator("main#main").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert screenshot(page, "home-1280").exists()


def test_home_page_fits_a_narrow_phone_without_horizontal_scroll(page, screenshot):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    screenshot(page, "home-320")
