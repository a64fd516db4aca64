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
    # As sign-in.js does when the button is pressed on the (cached, token-free) essay page.
    token = client.get(reverse("accounts:csrf_token")).json()["token"]
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


def test_a_sign_in_button_works_with_the_token_fetched_when_it_is_pressed(
    social_providers_configured,
):
    reader = Client(enforce_csrf_checks=True)
    login_url = reverse("github_login")

    without = reader.post(login_url, {"process": "login"})
    token = reader.get(reverse("accounts:csrf_token")).json()["token"]
    sent = reader.post(login_url, {"process": "login", "csrfmiddlewaretoken": token})

    assert without.status_code == HTTPStatus.FORBIDDEN
    assert sent.status_code == HTTPStatus.FOUND
    assert sent["Location"].startswith("https://github.com/")


def test_a_fetched_token_is_bound_to_the_readers_own_session(social_providers_configured):
    someone, reader = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    their_token = someone.get(reverse("accounts:csrf_token")).json()["token"]
    reader.get(reverse("accounts:csrf_token"))

    refused = reader.post(
        reverse("github_login"), {"process": "login", "csrfmiddlewaretoken": their_token}
    )

    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_without_javascript_a_sign_in_button_opens_one_confirmation_page(
    social_providers_configured,
):
    reader = Client(enforce_csrf_checks=True)
    # The cached page's form, sent as is: a GET with its hidden inputs.
    confirmation = reader.get(reverse("github_login"), {"process": "login", "next": "/x/"})
    token = TOKEN.search(confirmation.text)[1]

    sent = reader.post(
        reverse("github_login") + "?process=login&next=/x/", {"csrfmiddlewaretoken": token}
    )

    assert confirmation.status_code == HTTPStatus.OK
    assert sent.status_code == HTTPStatus.FOUND
    assert sent["Location"].startswith("https://github.com/")


@pytest.mark.parametrize("expired", [False, True], ids=["current", "expired"])
def test_a_member_stays_signed_in_until_their_session_expires(client, expired):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(make_user())
    if expired:
        Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))

    answers = [client.get(reverse("accounts:account")) for _ in range(7)]  # prepared after 5

    if expired:
        assert {answer.status_code for answer in answers} == {HTTPStatus.FOUND}
        assert all("/login/" in answer["Location"] for answer in answers)
    else:
        assert {answer.status_code for answer in answers} == {HTTPStatus.OK}


@pytest.mark.parametrize(
    "cookie",
    [
        '"\\000abcdefghijklmnopqrstuvwxyz0123"',  # a NUL, which cookie quoting lets through
        '"\\377\\376abcdefghijklmnop"',
        "abc%00defghijklmnop",
        "ü" * 40,
        "x" * 4000,
        "'; drop table django_session; --",
    ],
)
def test_a_made_up_session_cookie_is_a_reader_without_a_session(client, cookie):
    url = make_post().get_absolute_url()

    answers = [client.get(url, headers={"cookie": f"sessionid={cookie}"}) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [HTTPStatus.OK] * 2
    assert b"Log in" in answers[0].content
