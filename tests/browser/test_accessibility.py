"""axe-core (the copy shipped in axe-playwright-python) on every kind of page: public pages, the
member's account page, the moderation queue and the admin's essay and author forms. Critical and
serious violations fail the test; each page's result is written to artifacts/axe/."""

import json
from io import StringIO
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import Author
from blog.models import Post, Tag
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db(transaction=True)

REPORTS = Path(__file__).resolve().parents[2] / "artifacts" / "axe"
BLOCKING = {"critical", "serious"}


@pytest.fixture
def demo_content():
    call_command("demo", stdout=StringIO())


@pytest.fixture
def sign_in(live_server):
    def sign_in(page, user):
        """The browser carries a session of `user` (made by Django's test client)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


def check(page, name: str, screenshot) -> list[dict]:
    """Run axe on the loaded page; record every violation; return the blocking ones."""
    results = Axe().run(page).response
    REPORTS.mkdir(parents=True, exist_ok=True)
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [node["target"] for node in v["nodes"]],
        }
        for v in results["violations"]
    ]
    (REPORTS / f"{name}.json").write_text(json.dumps(violations, indent=2))
    screenshot(page, f"axe-{name}")
    return [v for v in violations if v["impact"] in BLOCKING]


def public_pages():
    post = Post.objects.published().filter(comment_count__gt=0).first()
    author = Author.objects.filter(posts__in=Post.objects.published()).first()
    tag = Tag.objects.in_print().first()
    month = post.published_at
    return {
        "home": "/",
        "essay": post.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "archive": "/archive/",
        "archive-month": f"/archive/{month.year}/{month.month}/",
        "search": "/search/?q=battery",
        "about": "/about/",
        "not-found": "/no-such-page/",
    }


@pytest.mark.parametrize("width", [375, 1280])
def test_public_pages_have_no_critical_or_serious_violations(page, screenshot, demo_content, width):
    page.set_viewport_size({"width": width, "height": 900})
    blocking = {}
    for name, url in public_pages().items():
        page.goto(url)
        if found := check(page, f"{name}-{width}", screenshot):
            blocking[name] = found

    assert blocking == {}


def test_the_account_page_has_no_critical_or_serious_violations(
    page, screenshot, demo_content, sign_in
):
    sign_in(page, make_user(display_name="Ada Member"))
    page.goto("/accounts/me/")

    assert check(page, "account", screenshot) == []


def test_the_moderation_queue_has_no_critical_or_serious_violations(
    page, screenshot, demo_content, sign_in
):
    sign_in(page, make_staff(group="Moderators", display_name="Mo Derator"))
    page.goto("/comments/moderation/")

    assert check(page, "moderation-queue", screenshot) == []


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("admin-essay-add", "/admin/blog/post/add/"),
        ("admin-author-add", "/admin/accounts/author/add/"),
        ("admin-essay-change", None),
    ],
)
def test_the_admin_forms_have_no_critical_or_serious_violations(
    page, screenshot, demo_content, sign_in, name, url
):
    sign_in(page, make_staff(group="Editors", display_name="Eddie Tor"))
    page.goto(url or f"/admin/blog/post/{Post.objects.published().first().pk}/change/")
    page.wait_for_load_state("load")

    assert check(page, name, screenshot) == []
