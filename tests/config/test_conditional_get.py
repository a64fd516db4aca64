"""ETags and 304s: a page holding a CSRF token made for its request is never named by an ETag (no
later copy has its bytes), and so is never answered 304; pages without one still are."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import make_post, make_user, signed_in

pytestmark = pytest.mark.django_db


def test_a_members_essay_page_has_no_etag_and_is_never_not_modified():
    url = make_post().get_absolute_url()
    client = signed_in(make_user())
    first = client.get(url)

    # "*" would match any ETag: the page the member holds is not this one.
    again = client.get(url, headers={"if-none-match": "*"})

    assert first.status_code == HTTPStatus.OK and "csrfmiddlewaretoken" in first.text
    assert not first.has_header("ETag")
    assert again.status_code == HTTPStatus.OK
    assert again.text != first.text  # its tokens are new


def test_a_members_page_without_a_token_keeps_its_etag_and_304(client):
    make_post()
    client.force_login(make_user())
    first = client.get(reverse("blog:feed"))

    again = client.get(reverse("blog:feed"), headers={"if-none-match": first["ETag"]})

    assert again.status_code == HTTPStatus.NOT_MODIFIED
