"""Playwright driving Debian's Chromium (tests/conftest.py's `browser`) against the live server."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts on the live server (closed after the test)."""
    contexts = []

    def open_context(**options):
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def session_key():
    """Read the session key a page's browser holds (None before it has one)."""
    from django.conf import settings

    def read(page) -> str | None:
        cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
        return cookies.get(settings.SESSION_COOKIE_NAME)

    return read


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/ and return its path."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
