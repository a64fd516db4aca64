"""The admin's writing tools: the body's live preview."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.markup import render_markdown
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db

PREVIEW_URL = reverse("admin:blog_post_body_preview")


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def test_preview_renders_the_body_as_the_essay_page_will(editor_client):
    source = "## Why\n\n> Measure twice.\n>\n> — A carpenter\n\n<script>alert(1)</script>"

    response = editor_client.post(PREVIEW_URL, {"body": source})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html == render_markdown(source)
    assert '<h2 id="section-why">Why</h2>' in html
    assert "<figcaption>— A carpenter</figcaption>" in html
    assert "<script" not in html


def test_the_essay_form_shows_the_body_beside_its_rendered_preview(editor_client):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    assert f'data-preview-url="{PREVIEW_URL}"' in page
    assert 'aria-label="Preview of the body, as readers will see it"' in page
    assert "js/admin_writing.js" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("moderator", HTTPStatus.FORBIDDEN), ("member", HTTPStatus.FOUND), ("anonymous", 302)],
)
def test_only_editors_may_use_the_preview(client, who, status):
    if who == "moderator":
        client.force_login(make_staff(group="Moderators"))
    elif who == "member":
        client.force_login(make_user())

    response = client.post(PREVIEW_URL, {"body": "## Hi"})

    assert response.status_code == status
    assert b"<h2" not in response.content


def test_preview_answers_only_posts(editor_client):
    assert editor_client.get(PREVIEW_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED
