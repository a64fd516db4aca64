from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from blog.models import SitePage
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def test_demo_seeds_about_contact_and_privacy_linked_from_every_footer(client):
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())  # idempotent

    assert SitePage.objects.count() == 3
    home = client.get(reverse("blog:home")).content.decode()
    for slug, title in [("about", "About"), ("contact", "Contact"), ("privacy", "Privacy")]:
        assert f'<a href="/{slug}/">{title}</a>' in home
        page = client.get(f"/{slug}/")
        assert page.status_code == HTTPStatus.OK
        assert f"<h1>{title}</h1>" in page.content.decode()


def test_an_editor_changes_a_page_in_the_admin_and_readers_see_sanitised_markdown(client):
    SitePage.objects.create(slug="about", title="About", body="Old text.")
    client.force_login(make_staff(group="Editors"))
    page = SitePage.objects.get()
    url = reverse("admin:blog_sitepage_change", args=[page.pk])
    assert client.get(url).status_code == HTTPStatus.OK

    response = client.post(
        url,
        {
            "slug": "about",
            "title": "Who we are",
            "body": "We **write**. <script>alert(1)</script>[x](javascript:alert(1))",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    body = client.get("/about/").content.decode()
    assert "<h1>Who we are</h1>" in body
    assert "<strong>write</strong>" in body
    assert "<script>alert" not in body and "javascript:" not in body


def test_editors_may_add_change_and_delete_pages_by_migration():
    editor = make_staff(group="Editors")
    for action in ("add", "change", "delete", "view"):
        assert editor.has_perm(f"blog.{action}_sitepage")


def test_a_page_is_the_same_for_every_anonymous_reader_so_caches_may_keep_it(client):
    SitePage.objects.create(slug="privacy", title="Privacy", body="No trackers.")

    response = client.get("/privacy/")

    assert response.status_code == HTTPStatus.OK
    assert not response.cookies  # no session, no CSRF cookie
    assert "private" not in response.get("Cache-Control", "")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_page_not_written_yet_is_not_found_and_other_addresses_stay_free(client):
    assert client.get("/contact/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/aboutus/").status_code == HTTPStatus.NOT_FOUND
