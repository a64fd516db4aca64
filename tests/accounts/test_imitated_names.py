"""A member cannot take a name that reads like a moderator's, a staff member's or an author's."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.names import name_key
from tests.accounts.test_sign_in import sign_in_with_sso, signed_in_user
from tests.factories import make_author, make_moderator, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted_names(db):
    make_moderator(display_name="Mo Derator")
    make_staff(group="Editors", display_name="Eddie Tor")
    make_author(name="Grace Hopper")


def save_name(client, member, name):
    client.force_login(member)
    return client.post(reverse("accounts:account"), {"display_name": name})


@pytest.mark.parametrize(
    "name",
    ["Mo Derator", "mo derator", "M.O. Derator", "Mo-Derator!", "Ｍｏ Ｄｅｒａｔｏｒ", "MoDerator",
     "eddie tor", "Grace  HOPPER", "grace_hopper", "Grace\u200bHopper"],
)  # fmt: skip
def test_names_that_read_like_a_moderator_staff_member_or_author_are_refused(
    client, trusted_names, name
):
    member = make_user(display_name="Ada Member")

    response = save_name(client, member, name)

    assert response.status_code == HTTPStatus.OK
    assert "reads like the name of one of the site" in response.text
    member.refresh_from_db()
    assert (member.display_name, member.display_name_chosen) == ("Ada Member", False)


@pytest.mark.parametrize("name", ["Mo Derators", "Grace", "Ada Lovelace"])
def test_names_that_merely_resemble_are_accepted(client, trusted_names, name):
    member = make_user(display_name="Ada Member")

    response = save_name(client, member, name)

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.display_name == name


def test_a_moderator_and_an_author_keep_their_own_names(client):
    moderator = make_moderator(display_name="Mo Derator")
    author_member = make_user(display_name="Grace")
    make_author(name="Grace Hopper", user=author_member)

    assert save_name(client, moderator, "M. O. Derator").status_code == HTTPStatus.FOUND
    assert save_name(client, author_member, "Grace Hopper").status_code == HTTPStatus.FOUND


def test_names_compare_after_folding_case_width_and_punctuation():
    assert name_key("Ｍｏ. DERATOR") == name_key("mo derator") == "moderator"
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("...") == ""


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "member-1", "email": "a@example.org", "name": "Mo Derator"},
        {"sub": "member-1", "email": "a@example.org", "given_name": "Grace",
         "family_name": "Hopper"},
    ],
    ids=["name", "given and family names"],
)  # fmt: skip
def test_a_providers_imitating_name_falls_back_to_the_neutral_member_label(
    client,
    sso,
    trusted_names,
    claims,
):
    sign_in_with_sso(client, sso, claims)
    member = signed_in_user(client)

    assert member.get_display_name().startswith("Member ")
    page = client.get(reverse("accounts:account")).text
    assert member.get_display_name() in page


def test_a_returning_member_whose_provider_name_now_imitates_an_author_loses_it(
    client,
    sso,
):
    claims = {"sub": "member-2", "email": "b@example.org", "name": "Grace Hopper"}
    sign_in_with_sso(client, sso, claims)
    assert signed_in_user(client).get_display_name() == "Grace Hopper"
    client.logout()
    make_author(name="Grace Hopper")

    sign_in_with_sso(client, sso, claims)

    assert signed_in_user(client).get_display_name().startswith("Member ")
