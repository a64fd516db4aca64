"""Staff sign in to the admin with username and password; failures are rate limited."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(username="editor", password="correct horse battery", is_staff=True)


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_staff_log_in_to_the_admin_with_username_and_password(client, editor):
    response = log_in(client, "editor", "correct horse battery")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")


def test_admin_login_is_refused_after_five_failures_even_with_the_right_password(
    client, settings, editor
):
    settings.ADMIN_LOGIN_ATTEMPTS = 5
    for _ in range(5):
        assert log_in(client, "editor", "wrong").status_code == HTTPStatus.OK

    response = log_in(client, "editor", "correct horse battery")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("username", "address", "limited"),
    [
        ("editor", "198.51.100.7", True),  # same username, from elsewhere
        ("someone-else", "192.0.2.10", True),  # same address, another username
        ("someone-else", "198.51.100.7", False),
    ],
)
def test_admin_login_limit_counts_per_address_and_per_username(
    client, settings, editor, username, address, limited
):
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        log_in(client, "editor", "wrong", address="192.0.2.10")

    response = log_in(client, username, "wrong", address=address)

    assert (response.status_code == HTTPStatus.TOO_MANY_REQUESTS) is limited


def test_successful_admin_login_clears_the_usernames_failures(client, settings, editor):
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    log_in(client, "editor", "wrong", address="198.51.100.1")
    log_in(client, "editor", "wrong", address="198.51.100.2")
    log_in(client, "editor", "correct horse battery", address="198.51.100.3")
    client.logout()

    response = log_in(client, "editor", "wrong", address="198.51.100.4")

    assert response.status_code == HTTPStatus.OK


def test_members_cannot_use_the_admin_login(client):
    make_user(username="member", password="a password they never had")

    response = log_in(client, "member", "a password they never had")

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
