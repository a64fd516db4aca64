"""Staff sign in to the admin with username and password; failures are rate limited."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.admin_login import client_address
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(username="editor", password="correct horse battery", is_staff=True)


@pytest.fixture
def boss():
    return make_user(username="boss", password="the owner's passphrase", is_staff=True)


def log_in(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def test_staff_log_in_to_the_admin_with_username_and_password(client, editor):
    response = log_in(client, "editor", "correct horse battery")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")


def test_admin_login_is_refused_after_five_failures_from_one_address_even_with_the_right_password(
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
        ("editor", "198.51.100.7", False),  # same username, from elsewhere
        ("someone-else", "192.0.2.10", True),  # same address, another username
        ("someone-else", "198.51.100.7", False),
    ],
)
def test_admin_login_limit_refuses_per_address_not_per_username(
    client, settings, editor, username, address, limited
):
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        log_in(client, "editor", "wrong", address="192.0.2.10")

    response = log_in(client, username, "wrong", address=address)

    assert (response.status_code == HTTPStatus.TOO_MANY_REQUESTS) is limited


def test_owner_logs_in_from_their_address_while_an_attacker_is_locked_out(client, settings, boss):
    settings.ADMIN_LOGIN_ATTEMPTS = 5
    for _ in range(6):
        log_in(client, "boss", "guess", address="203.0.113.66")

    response = log_in(client, "boss", "the owner's passphrase", address="198.51.100.20")

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(boss.pk)


def test_username_under_attack_from_many_addresses_gives_each_address_one_try(
    client, settings, boss
):
    settings.ADMIN_LOGIN_ATTEMPTS = 5
    settings.ADMIN_LOGIN_USERNAME_ATTEMPTS = 3
    for n in range(3):
        log_in(client, "boss", "guess", address=f"203.0.113.{n}")

    second_try = log_in(client, "boss", "guess", address="203.0.113.0")
    owner = log_in(client, "boss", "the owner's passphrase", address="198.51.100.20")

    assert second_try.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert owner.status_code == HTTPStatus.FOUND


def test_username_counts_whatever_its_case_and_surrounding_spaces(client, settings, boss):
    settings.ADMIN_LOGIN_USERNAME_ATTEMPTS = 2
    log_in(client, "BOSS ", "guess", address="203.0.113.1")
    log_in(client, " Boss", "guess", address="203.0.113.2")

    response = log_in(client, "boss", "guess", address="203.0.113.1")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_successful_admin_login_clears_the_usernames_failures(client, settings, editor):
    settings.ADMIN_LOGIN_USERNAME_ATTEMPTS = 2
    log_in(client, "editor", "wrong", address="198.51.100.1")
    log_in(client, "editor", "wrong", address="198.51.100.2")
    log_in(client, "editor", "correct horse battery", address="198.51.100.3")
    client.logout()

    response = log_in(client, "editor", "wrong", address="198.51.100.1")

    assert response.status_code == HTTPStatus.OK


def test_signed_in_staff_guessing_another_staff_password_is_counted_and_refused(
    client, settings, editor, boss
):
    settings.ADMIN_LOGIN_ATTEMPTS = 5
    client.force_login(editor)
    for _ in range(5):
        assert log_in(client, "boss", "guess").status_code == HTTPStatus.OK

    response = log_in(client, "boss", "the owner's passphrase")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_signed_in_staff_failing_for_another_username_does_not_clear_its_failures(
    client, settings, editor, boss
):
    settings.ADMIN_LOGIN_USERNAME_ATTEMPTS = 2
    log_in(client, "boss", "guess", address="203.0.113.1")
    client.force_login(editor)
    log_in(client, "boss", "guess", address="203.0.113.2")
    client.logout()

    response = log_in(client, "boss", "guess", address="203.0.113.1")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_members_cannot_use_the_admin_login(client):
    make_user(username="member", password="a password they never had")

    response = log_in(client, "member", "a password they never had")

    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "address"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is anyone's to forge
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # forged entry on the left ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "", "10.0.0.2"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not through them all
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_client_address_is_the_rightmost_hop_not_added_by_a_trusted_proxy(
    rf, settings, hops, forwarded_for, address
):
    settings.TRUSTED_PROXY_HOPS = hops
    request = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_address(request) == address


def test_clients_behind_the_load_balancer_are_limited_each_on_their_own(client, settings, editor):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.ADMIN_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        log_in(client, "nobody", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")

    attacker = log_in(
        client, "nobody", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    colleague = log_in(
        client,
        "editor",
        "correct horse battery",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert attacker.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert colleague.status_code == HTTPStatus.FOUND
