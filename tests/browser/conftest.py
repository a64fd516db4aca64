"""Playwright driving Debian's Chromium (tests/conftest.py's `browser`) against the live server."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Every page reports what its Content-Security-Policy blocked: the event for scripts to see, and
# Chromium's console message (which also covers pages running without JavaScript).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI} on ${event.documentURI}`
  );
});
"""


class Violations(list):
    """What the browser refused under the site's Content-Security-Policy, as reported."""

    def expect(self, page, directive: str) -> None:
        """Wait (at most 5 s) for a refusal under `directive`, then forget the ones expected."""
        for _ in range(100):
            if any(directive in violation for violation in self):
                page.wait_for_timeout(250)  # its twin (event or console) arrives too
                self[:] = [violation for violation in self if directive not in violation]
                return
            page.wait_for_timeout(50)  # lets Playwright deliver the reports
        pytest.fail(f"The browser reported no {directive} violation (reported: {list(self)}).")


@pytest.fixture
def csp_violations():
    """Violations reported during this test; any left at the end fails it."""
    return Violations()


@pytest.fixture
def new_context(browser, live_server, csp_violations):
    """Open browser contexts on the live server; the test fails if any page broke the CSP."""
    contexts = []

    def open_context(**options):
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.expose_function("reportCspViolation", lambda text: csp_violations.append(text))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", lambda message: _console_violation(message, csp_violations))
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


def _console_violation(message, violations) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)


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
