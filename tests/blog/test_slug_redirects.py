"""A changed slug leaves a 301 from the old address (blog.Redirect, shared with imports)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from blog.models import Redirect
from tests.blog.test_admin import essay_form
from tests.factories import make_author, make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def rename(client, post, slug):
    byline = post.bylines.get()
    form = essay_form(
        title=post.title,
        slug=slug,
        body=post.body,
        status=post.status,
        bylines=[(byline.author, 0)],
        **{
            "published_at_0": post.published_at.strftime("%Y-%m-%d"),
            "published_at_1": post.published_at.strftime("%H:%M:%S"),
            "bylines-INITIAL_FORMS": "1",
            "bylines-0-id": str(byline.pk),
            "bylines-0-post": str(post.pk),
        },
    )
    response = client.post(reverse("admin:blog_post_change", args=[post.pk]), form)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]


def test_a_renamed_essay_is_reached_from_every_old_address_in_one_301(client, editor_client):
    post = make_post(title="Pumps", slug="pumps", authors=[make_author()])
    rename(editor_client, post, "infusion-pumps")
    rename(editor_client, post, "smart-infusion-pumps")

    for old in ["/essays/pumps/", "/essays/infusion-pumps/"]:
        response = client.get(old)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert response["Location"] == "/essays/smart-infusion-pumps/"
    assert client.get("/essays/smart-infusion-pumps/").status_code == HTTPStatus.OK
    assert Redirect.objects.get(old_path="/essays/pumps/").source == "slug change"


def test_an_essay_published_at_an_old_address_takes_it_back(client, editor_client):
    post = make_post(title="Pumps", slug="pumps", authors=[make_author()])
    rename(editor_client, post, "infusion-pumps")
    newcomer = make_post(title="Pumps, again", slug="pumps")

    response = client.get("/essays/pumps/")

    assert response.status_code == HTTPStatus.OK
    assert response.context["post"] == newcomer


def test_saving_without_changing_the_slug_leaves_no_redirect(editor_client):
    post = make_post(title="Pumps", slug="pumps", authors=[make_author()])

    rename(editor_client, post, "pumps")

    assert not Redirect.objects.exists()
