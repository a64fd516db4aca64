import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote, urlencode
from uuid import uuid4

import boto3
import pytest
from django.core.cache import cache
from django.db import connection

from config.settings import media_storage, social_providers
from tests.servers import PictureServer, free_port


# Under `make test`'s two pytest-xdist workers, tests are handed out one by one as a worker
# frees up (xdist's `load`), in collection order: pytest-django orders transactional tests after
# the others, and each worker keeps that order. Except here: a deploy file stays on one worker (its
# module-scoped gunicorn nodes and nginx would start again on the other), so do the make-run tests
# (their five `make run`s at once would crowd two cores), and the fault tests share one site
# (their session-scoped `site`, with collectstatic).
def xdist_unit(nodeid: str) -> str:
    path = nodeid.split("::")[0]
    if path.startswith("tests/faults/"):
        return "tests/faults/"
    if path.startswith(("tests/deploy/", "tests/config/test_make_run.py")):
        return path
    return nodeid


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's, when it runs the suite
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for on the command line
    from xdist.scheduler import LoadScopeScheduling

    class ServersStayTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_unit(nodeid)

    # In collection order, not the biggest units first: pytest-django's order must hold.
    config.option.loadscopereorder = False
    return ServersStayTogether(config, log)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Test-only tweaks: fast password hashing, media in a temporary folder, an empty cache, no
    sign-in providers unless a test asks for them (whatever the developer's environment says).

    (Django's test runner already keeps mail in memory: see `mailoutbox`.)
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SOCIALACCOUNT_PROVIDERS = {}
    # Tests post in quick succession; tests/comments/test_bad_input.py turns the flood check on.
    settings.COMMENTS_FLOOD_SECONDS = 0
    cache.clear()


# Sign-in providers (accounts) -------------------------------------------------------------------

SSO_SERVER_URL = "https://sso.association.example"
PROVIDER_ENVIRONMENT = {
    "SOCIAL_SSO_NAME": "Association ID",
    "SOCIAL_SSO_SERVER_URL": SSO_SERVER_URL,
    **{
        f"SOCIAL_{prefix}_{part}": f"{prefix.lower()}-{part.lower().replace('_', '-')}"
        for prefix in ["SSO", "X", "FACEBOOK", "GOOGLE", "GITHUB", "LINKEDIN"]
        for part in ["CLIENT_ID", "CLIENT_SECRET"]
    },
}


@pytest.fixture
def social_providers_configured(settings, monkeypatch):
    """Every provider configured, through the same environment variables production sets."""
    for name, value in PROVIDER_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    return settings.SOCIALACCOUNT_PROVIDERS


# Members' pictures from a provider's picture host (accounts.avatars) ---------------------------


@pytest.fixture
def picture_host(settings):
    """A provider's picture host on loopback, the only one on the allow-list; the fetch may use
    plain http and the loopback address for it (AVATAR_FETCH_LOOPBACK), and gives up sooner."""
    server = PictureServer()
    settings.AVATAR_SOURCE_ORIGINS = [server.origin]
    settings.AVATAR_FETCH_LOOPBACK = True
    settings.AVATAR_FETCH_TIMEOUT_SECONDS = 0.5
    yield server
    server.stop()


@pytest.fixture
def other_host():
    """A picture host that is on no allow-list."""
    server = PictureServer()
    yield server
    server.stop()


# Media in an S3-compatible bucket --------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 protocol server (moto's) on a loopback port, for the session: its endpoint URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto's S3 server did not start on {endpoint}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        # Killed, not terminated: its state is thrown away anyway, and a polite stop waits for
        # every keep-alive connection that boto3 still holds open.
        server.kill()
        server.wait(timeout=10)


def public_read_policy(bucket: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class Bucket:
    """A fresh bucket on the loopback S3 server, seen directly through boto3 (not Django)."""

    region = "eu-central-1"

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.name = f"lectern-test-{uuid4().hex[:12]}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=self.region,
            aws_access_key_id="test-key-id",
            aws_secret_access_key="test-secret-key",
        )
        self.client.create_bucket(
            Bucket=self.name, CreateBucketConfiguration={"LocationConstraint": self.region}
        )
        # Anyone may read the media, as on a production bucket (README: "Running in production").
        self.client.put_bucket_policy(Bucket=self.name, Policy=public_read_policy(self.name))
        self.public_url = f"{endpoint}/{self.name}"

    def environment(self) -> dict[str, str]:
        """The variables an operator sets to keep media in this bucket."""
        return {
            "MEDIA_S3_BUCKET": self.name,
            "MEDIA_S3_ENDPOINT_URL": self.endpoint,
            "MEDIA_S3_REGION": self.region,
            "MEDIA_S3_ACCESS_KEY_ID": "test-key-id",
            "MEDIA_S3_SECRET_ACCESS_KEY": "test-secret-key",
        }

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}


@pytest.fixture
def media_bucket(s3_server, settings, monkeypatch):
    """Media go to a fresh bucket, configured through the same variables production sets."""
    bucket = Bucket(s3_server)
    for name, value in bucket.environment().items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_S3_BUCKET = bucket.name
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}
    return bucket


# Other processes on the test database (web nodes, the task worker) ------------------------------


def database_url() -> str:
    """The test database as a URL other processes can use (a socket folder goes in the query)."""
    db = connection.settings_dict
    host = db.get("HOST") or ""
    query = f"?{urlencode({'host': host})}" if host.startswith("/") else ""
    netloc_host = "" if query else host
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'] or '')}{password}@{netloc_host}{port}/{db['NAME']}{query}"


# Browser (tests/browser, tests/deploy): one Chromium for the whole run --------------------------

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to run
# there. The live server handles requests in its own threads, so the guard is safe to lift.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (CI does this).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


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


@pytest.fixture(autouse=True)
def _browser_tests_fail_on_csp_violations(request, csp_violations, monkeypatch):
    """Every context a test opens in the browser reports what the policy refused; autouse, so
    that its check runs last, after the test's own fixtures have closed their contexts."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    open_context = browser.new_context

    def watched_context(**options):
        context = open_context(**options)
        context.expose_function("reportCspViolation", lambda text: csp_violations.append(text))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", lambda message: _console_violation(message, csp_violations))
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


def _console_violation(message, violations) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)
