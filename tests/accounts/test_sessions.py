"""Sessions: a new one at every sign-in, shorter for staff, CSRF tokens bound to them."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(client, url) -> str:
    return TOKEN.search(client.get(url).text)[1]


def test_admin_login_starts_a_new_short_session(settings):
    settings.ADMIN_SESSION_SECONDS = 3 * 60 * 60
    make_user(username="editor", password="correct horse battery", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, reverse("admin:login"))
    before = client.session.session_key

    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert before and client.session.session_key != before
    assert client.session.get_expiry_age() == 3 * 60 * 60
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3 * 60 * 60


def test_demo_sign_in_starts_a_new_session_that_lasts_two_weeks(settings):
    settings.DEBUG = True
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, make_post().get_absolute_url())
    before = client.session.session_key

    client.post(reverse("accounts:demo_sign_in"), {"csrfmiddlewaretoken": token})

    assert "_auth_user_id" in client.session
    assert before and client.session.session_key != before
    assert client.session.get_expiry_age() == 14 * 24 * 60 * 60


def test_staff_signing_in_any_other_way_get_the_short_session(client, settings):
    settings.ADMIN_SESSION_SECONDS = 3 * 60 * 60

    client.force_login(make_user(is_staff=True))

    assert client.session.get_expiry_age() == 3 * 60 * 60


def test_a_token_from_another_visitors_session_is_refused():
    post_url = make_post().get_absolute_url()
    someone, member = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    someone.force_login(make_user())
    member.force_login(make_user())
    their_token = csrf_token(someone, post_url)
    # Their token also as the cookie a cookie-based CSRF check compares it with: still refused.
    member.cookies["csrftoken"] = their_token

    refused = member.post(reverse("account_logout"), {"csrfmiddlewaretoken": their_token})
    still_signed_in = "_auth_user_id" in member.session
    accepted = member.post(
        reverse("account_logout"), {"csrfmiddlewaretoken": csrf_token(member, post_url)}
    )

    assert refused.status_code == HTTPStatus.FORBIDDEN and still_signed_in
    assert accepted.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in member.session
