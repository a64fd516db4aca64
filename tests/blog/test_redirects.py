from http import HTTPStatus

import pytest

from blog.redirects import redirect_set
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_an_old_address_follows_its_essay_through_slug_changes(client):
    post = make_post(slug="first-slug")
    redirect_set(old_path="/old/path/", post=post, fragment="comments")
    post.slug = "second-slug"
    post.save()
    response = client.get("/old/path/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/essays/second-slug/#comments"


def test_a_gone_address_answers_410_with_a_page(client):
    redirect_set(old_path="/about/")
    response = client.get("/about/")
    assert response.status_code == HTTPStatus.GONE
    assert "no longer here" in response.content.decode()


def test_existing_pages_and_other_methods_are_never_redirected(client):
    redirect_set(old_path="/archive/", target_path="/elsewhere/")
    redirect_set(old_path="/posted/", target_path="/elsewhere/")
    assert client.get("/archive/").status_code == HTTPStatus.OK
    assert client.post("/posted/").status_code == HTTPStatus.NOT_FOUND


def test_a_numbered_query_only_matches_numbers(client):
    redirect_set(old_path="/?p=12", target_path="/archive/")
    assert client.get("/?p=12")["Location"] == "/archive/"
    assert client.get("/?p=12abc").status_code == HTTPStatus.OK
