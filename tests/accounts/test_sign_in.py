"""Integration: allauth's real login and callback views, providers faked at the HTTP boundary."""

import base64
import hashlib
import logging
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.urls import reverse

from accounts.models import User
from tests.conftest import SSO_SERVER_URL
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

SSO_LOGIN_URL = "/accounts/oidc/sso/login/"
SSO_CALLBACK_URL = "/accounts/oidc/sso/login/callback/"
ELENA = {
    "sub": "member-00417",
    "name": "Elena Rossi",
    "email": "elena.rossi@association.example",
    "email_verified": True,
    "picture": "https://sso.association.example/avatars/00417-v1.png",
}


def start_sign_in(client, login_url, next_url=None):
    data = {"process": "login", **({"next": next_url} if next_url else {})}
    response = client.post(login_url, data)
    assert response.status_code == HTTPStatus.FOUND
    location = urlsplit(response["Location"])
    return location, {key: values[0] for key, values in parse_qs(location.query).items()}


def sign_in_with_sso(client, sso, claims, next_url=None):
    """Click the button, let the provider say who this is, follow the callback."""
    sso.upsert(responses.GET, f"{SSO_SERVER_URL}/userinfo", json=claims)
    _, params = start_sign_in(client, SSO_LOGIN_URL, next_url)
    return client.get(SSO_CALLBACK_URL, {"code": "code-1", "state": params["state"]})


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


@pytest.mark.parametrize(
    ("login_url", "authorize_url", "client_id", "callback_url", "uses_pkce"),
    [
        (SSO_LOGIN_URL, f"{SSO_SERVER_URL}/authorize", "sso-client-id", SSO_CALLBACK_URL, True),
        ("/accounts/twitter_oauth2/login/", "https://x.com/i/oauth2/authorize",
         "x-client-id", "/accounts/twitter_oauth2/login/callback/", True),
        ("/accounts/google/login/", "https://accounts.google.com/o/oauth2/v2/auth",
         "google-client-id", "/accounts/google/login/callback/", True),
        ("/accounts/github/login/", "https://github.com/login/oauth/authorize",
         "github-client-id", "/accounts/github/login/callback/", True),
        ("/accounts/facebook/login/", "https://www.facebook.com/v19.0/dialog/oauth",
         "facebook-client-id", "/accounts/facebook/login/callback/", False),
    ],
    ids=["sso", "x", "google", "github", "facebook"],
)  # fmt: skip
def test_sign_in_button_redirects_to_provider_with_client_id_redirect_uri_and_pkce(
    client, sso, login_url, authorize_url, client_id, callback_url, uses_pkce
):
    location, params = start_sign_in(client, login_url, "/essays/some-essay/")

    assert f"{location.scheme}://{location.netloc}{location.path}" == authorize_url
    assert params["client_id"] == client_id
    assert params["redirect_uri"] == f"http://testserver{callback_url}"
    assert params["response_type"] == "code"
    assert len(params["state"]) >= 16
    assert ("code_challenge" in params) is uses_pkce
    if uses_pkce:
        assert params["code_challenge_method"] == "S256"


def test_token_request_proves_the_pkce_challenge_made_at_the_start(client, sso):
    sso.upsert(responses.GET, f"{SSO_SERVER_URL}/userinfo", json=ELENA)
    _, params = start_sign_in(client, SSO_LOGIN_URL)

    client.get(SSO_CALLBACK_URL, {"code": "code-1", "state": params["state"]})

    token_call = next(call for call in sso.calls if call.request.url.endswith("/token"))
    verifier = parse_qs(token_call.request.body)["code_verifier"][0]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == params["code_challenge"]


def test_sign_in_never_starts_on_a_get(client, sso):
    response = client.get(SSO_LOGIN_URL)

    assert response.status_code == HTTPStatus.OK
    assert not any(call.request.url.endswith("/token") for call in sso.calls)
    assert "socialaccount_states" not in client.session


def test_new_member_is_created_from_the_provider_and_returned_to_the_form(client, sso):
    response = sign_in_with_sso(client, sso, ELENA, next_url="/essays/on-trust/#reply-form")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/essays/on-trust/#reply-form"
    member = signed_in_user(client)
    assert (member.display_name, member.provider_picture_url) == ("Elena Rossi", ELENA["picture"])
    assert SocialAccount.objects.get(user=member).uid == "member-00417"
    assert not member.has_usable_password()
    assert SocialToken.objects.count() == 0


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"],
)
def test_off_site_next_is_ignored_after_sign_in(client, sso, next_url):
    response = sign_in_with_sso(client, sso, ELENA, next_url=next_url)

    assert response["Location"] == reverse("blog:home")
    assert signed_in_user(client) is not None


def test_callback_with_a_forged_state_fails_politely_and_is_logged(client, sso, caplog):
    start_sign_in(client, SSO_LOGIN_URL, "/essays/on-trust/")

    with caplog.at_level(logging.WARNING, logger="accounts.adapter"):
        response = client.get(SSO_CALLBACK_URL, {"code": "code-1", "state": "forged-state-value"})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "We could not sign you in" in response.text
    assert signed_in_user(client) is None
    assert "sign-in with sso failed" in caplog.text
    assert not any(call.request.url.endswith("/token") for call in sso.calls)


def test_cancelled_sign_in_offers_the_way_back_to_the_essay(client, sso, caplog):
    _, params = start_sign_in(client, SSO_LOGIN_URL, "/essays/on-trust/#comments")

    with caplog.at_level(logging.WARNING, logger="accounts.adapter"):
        response = client.get(
            SSO_CALLBACK_URL, {"error": "access_denied", "state": params["state"]}
        )

    assert response.status_code == HTTPStatus.OK
    assert "Sign-in cancelled" in response.text
    assert 'href="/essays/on-trust/#comments"' in response.text
    assert signed_in_user(client) is None
    assert "cancelled" in caplog.text


@pytest.mark.parametrize(
    ("name_chosen", "expected_name"), [(False, "Elena R. Rossi"), (True, "Lena")]
)
def test_returning_member_gets_a_fresh_avatar_and_name_unless_they_chose_one(
    client, sso, name_chosen, expected_name
):
    sign_in_with_sso(client, sso, ELENA)
    member = signed_in_user(client)
    if name_chosen:
        User.objects.filter(pk=member.pk).update(display_name="Lena", display_name_chosen=True)
    client.logout()
    new_picture = "https://sso.association.example/avatars/00417-v2.png"

    sign_in_with_sso(client, sso, {**ELENA, "name": "Elena R. Rossi", "picture": new_picture})

    member.refresh_from_db()
    assert signed_in_user(client) == member
    assert member.provider_picture_url == new_picture
    assert member.display_name == expected_name
    assert User.objects.count() == 1


def test_provider_claiming_another_members_email_never_signs_into_that_account(client, sso):
    existing = make_user(email="elena.rossi@association.example", display_name="The Real Elena")

    response = sign_in_with_sso(client, sso, {**ELENA, "sub": "impostor-1"})

    newcomer = signed_in_user(client)
    assert response.status_code == HTTPStatus.FOUND
    assert newcomer != existing
    assert newcomer.email == ""
    assert not SocialAccount.objects.filter(user=existing).exists()
    existing.refresh_from_db()
    assert existing.display_name == "The Real Elena"


def test_x_member_without_an_email_address_is_signed_up_without_any_form(
    client, social_providers_configured
):
    with responses.RequestsMock() as x_api:
        x_api.post(
            "https://api.x.com/2/oauth2/token",
            json={"access_token": "x-access", "token_type": "bearer", "expires_in": 7200},
        )
        x_api.get(
            "https://api.x.com/2/users/me",
            json={
                "data": {
                    "id": "1460981234567890123",
                    "name": "Ada Okafor",
                    "username": "adaokafor",
                    "profile_image_url": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
                }
            },
        )
        _, params = start_sign_in(client, "/accounts/twitter_oauth2/login/", "/essays/x/")
        response = client.get(
            "/accounts/twitter_oauth2/login/callback/", {"code": "c", "state": params["state"]}
        )

    assert response["Location"] == "/essays/x/"
    member = signed_in_user(client)
    assert (member.display_name, member.email) == ("Ada Okafor", "")
    assert SocialToken.objects.count() == 0


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "member-00999", "email": "elena.rossi@association.example"},
        {"sub": "member-00999", "email": "elena.rossi@association.example",
         "preferred_username": "elena.rossi@association.example"},
    ],
    ids=["no name", "address as preferred username"],
)  # fmt: skip
def test_member_whose_provider_gives_no_name_is_shown_neutrally_never_by_their_address(
    client, sso, claims
):
    sign_in_with_sso(client, sso, claims)
    member = signed_in_user(client)
    page = client.get(reverse("blog:home")).text

    assert "elena" not in member.username.lower()
    assert member.get_display_name().startswith("Member ")
    assert member.get_display_name() in page
    assert "elena" not in page.lower()


def test_generated_usernames_never_come_from_the_provider(client, sso):
    sign_in_with_sso(client, sso, {**ELENA, "preferred_username": "elena"})

    assert "elena" not in signed_in_user(client).username.lower()


def test_after_sign_in_the_comment_form_shows_who_comments_with_which_account(client, sso):
    post = make_post()
    next_url = f"{post.get_absolute_url()}#respond"

    landing = sign_in_with_sso(client, sso, ELENA, next_url=next_url)
    page = client.get(landing["Location"]).text

    assert ELENA["picture"] not in page  # never hot-linked; not fetched (not allow-listed)
    assert '<span class="avatar avatar--tone' in page and ">ER</span>" in page
    assert "Elena Rossi" in page
    assert "You are commenting using your Association ID account." in page
    assert f'<form id="log-out-form" method="post" action="{reverse("account_logout")}">' in page
    assert f'name="next" value="{next_url}" form="log-out-form"' in page
    assert "<summary>Change</summary>" in page


def test_provider_failing_at_the_token_step_shows_the_way_back_and_is_logged(client, sso, caplog):
    sso.upsert(responses.POST, f"{SSO_SERVER_URL}/token", status=HTTPStatus.BAD_GATEWAY)
    _, params = start_sign_in(client, SSO_LOGIN_URL, "/essays/on-trust/#respond")

    with caplog.at_level(logging.WARNING, logger="accounts.adapter"):
        response = client.get(SSO_CALLBACK_URL, {"code": "code-1", "state": params["state"]})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert 'href="/essays/on-trust/#respond"' in response.text
    assert signed_in_user(client) is None
    assert "sign-in with sso failed" in caplog.text


def connect_with_sso(client, sso, claims):
    sso.upsert(responses.GET, f"{SSO_SERVER_URL}/userinfo", json=claims)
    response = client.post(SSO_LOGIN_URL, {"process": "connect"})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    return client.get(SSO_CALLBACK_URL, {"code": "code-1", "state": state})


def test_member_connects_another_sign_in_method_from_the_account_page(client, sso):
    member = make_user(display_name="Elena")
    SocialAccount.objects.create(user=member, provider="github", uid="5813372")
    client.force_login(member)

    response = connect_with_sso(client, sso, ELENA)

    assert response["Location"] == reverse("accounts:account")
    assert set(member.socialaccount_set.values_list("provider", flat=True)) == {"github", "sso"}
    assert signed_in_user(client) == member


def test_sign_in_method_of_another_member_is_not_moved_by_connecting_it(client, sso):
    owner = make_user()
    SocialAccount.objects.create(user=owner, provider="sso", uid=ELENA["sub"])
    client.force_login(make_user())

    connect_with_sso(client, sso, ELENA)

    assert SocialAccount.objects.get(uid=ELENA["sub"]).user == owner
