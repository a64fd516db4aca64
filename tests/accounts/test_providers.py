"""Unit: provider configuration from the environment, and provider payloads → member."""

import pytest
from allauth.socialaccount.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured

from accounts.providers import configured_providers, profile_from_provider_data
from config.settings import social_providers
from tests.conftest import PROVIDER_ENVIRONMENT

# Recorded shapes of what each provider's profile endpoint says (values invented).
X_USER = {
    "id": "1460981234567890123",
    "name": "Ada Okafor",
    "username": "adaokafor",
    "verified": False,
    "profile_image_url": "https://pbs.twimg.com/profile_images/1/ada_normal.jpg",
    "created_at": "2019-04-02T10:00:00.000Z",
}
FACEBOOK_USER = {
    "id": "10227654321098765",
    "name": "Ben Marlow",
    "first_name": "Ben",
    "last_name": "Marlow",
    "email": "ben.marlow@example.net",
    "picture": {
        "data": {
            "height": 200,
            "width": 200,
            "is_silhouette": False,
            "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1&height=200",
        }
    },
}
GOOGLE_ID_TOKEN = {
    "iss": "https://accounts.google.com",
    "aud": "google-client-id",
    "sub": "109876543210987654321",
    "email": "chioma.eze@example.com",
    "email_verified": True,
    "name": "Chioma Eze",
    "given_name": "Chioma",
    "family_name": "Eze",
    "picture": "https://lh3.googleusercontent.com/a/ACg8ocChioma=s96-c",
}
GITHUB_USER = {
    "id": 5813372,
    "login": "dmitri-k",
    "name": None,
    "avatar_url": "https://avatars.githubusercontent.com/u/5813372?v=4",
    "html_url": "https://github.com/dmitri-k",
    "email": None,
}
OIDC_RESPONSE = {
    "userinfo": {
        "sub": "member-00417",
        "name": "Elena Rossi",
        "given_name": "Elena",
        "family_name": "Rossi",
        "email": "elena.rossi@association.example",
        "email_verified": True,
        "picture": "https://sso.association.example/avatars/00417.png",
    }
}


@pytest.mark.parametrize(
    ("provider_id", "payload", "uid", "name", "avatar_url", "email"),
    [
        ("twitter_oauth2", X_USER, "1460981234567890123", "Ada Okafor",
         X_USER["profile_image_url"], ""),
        ("facebook", FACEBOOK_USER, "10227654321098765", "Ben Marlow",
         FACEBOOK_USER["picture"]["data"]["url"], "ben.marlow@example.net"),
        ("google", GOOGLE_ID_TOKEN, "109876543210987654321", "Chioma Eze",
         GOOGLE_ID_TOKEN["picture"], "chioma.eze@example.com"),
        ("github", GITHUB_USER, "5813372", "dmitri-k", GITHUB_USER["avatar_url"], ""),
        ("sso", OIDC_RESPONSE, "member-00417", "Elena Rossi",
         OIDC_RESPONSE["userinfo"]["picture"], "elena.rossi@association.example"),
        ("linkedin", OIDC_RESPONSE, "member-00417", "Elena Rossi",
         OIDC_RESPONSE["userinfo"]["picture"], "elena.rossi@association.example"),
    ],
    ids=["x-without-email", "facebook-picture", "google-verified", "github", "sso", "linkedin"],
)  # fmt: skip
@pytest.mark.django_db
def test_provider_profile_becomes_a_member_with_its_account_id_name_and_avatar(
    social_providers_configured, rf, provider_id, payload, uid, name, avatar_url, email
):
    request = rf.get("/")
    provider = get_adapter().get_provider(request, provider_id)

    sociallogin = provider.sociallogin_from_response(request, payload)

    assert sociallogin.account.uid == uid
    assert sociallogin.user.display_name == name
    assert sociallogin.user.provider_picture_url == avatar_url
    assert sociallogin.user.email == email


@pytest.mark.django_db
def test_google_email_is_verified_only_when_google_says_so(social_providers_configured, rf):
    request = rf.get("/")
    provider = get_adapter().get_provider(request, "google")
    unverified = {**GOOGLE_ID_TOKEN, "email_verified": False}

    assert provider.sociallogin_from_response(request, GOOGLE_ID_TOKEN).email_addresses[0].verified
    assert not provider.sociallogin_from_response(request, unverified).email_addresses[0].verified


@pytest.mark.parametrize(
    ("extra_data", "name", "avatar_url"),
    [
        ({"given_name": "Femi", "family_name": "Adeyemi"}, "Femi Adeyemi", ""),
        ({"id_token": {"name": "From Token", "picture": "https://i.example/a.png"},
          "userinfo": {"name": "From Userinfo"}}, "From Userinfo", "https://i.example/a.png"),
        ({"name": "Eve", "picture": "javascript:alert(1)"}, "Eve", ""),
        ({"name": "Eve", "avatar_url": "data:image/png;base64,AAAA"}, "Eve", ""),
        ({"name": "x" * 200}, "x" * 150, ""),
        ({"name": "Eve\r\nModerator  notice:\tapproved"}, "Eve Moderator notice: approved", ""),
        ({"name": "Ev\x00e\x1b[2J\x7f"}, "Eve[2J", ""),
        ({"name": " \n\x07 ", "login": "eve-k"}, "eve-k", ""),
        ({"preferred_username": "eve.k@example.org"}, "", ""),  # an address is not a name
        ({}, "", ""),
    ],
)  # fmt: skip
def test_profile_takes_only_web_pictures_and_a_name_that_fits(extra_data, name, avatar_url):
    profile = profile_from_provider_data(extra_data)

    assert (profile.name, profile.picture_url) == (name, avatar_url)


def test_no_provider_is_configured_without_credentials(monkeypatch):
    for name in PROVIDER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)

    assert social_providers() == {}


def test_a_provider_appears_only_when_its_credentials_are_set(settings, monkeypatch):
    for name in PROVIDER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SOCIAL_GITHUB_CLIENT_ID", "id")
    monkeypatch.setenv("SOCIAL_GITHUB_CLIENT_SECRET", "secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()

    assert [(p.id, p.name) for p in configured_providers()] == [("github", "GitHub")]


def test_every_provider_shows_in_order_with_the_association_first(social_providers_configured):
    names = [provider.name for provider in configured_providers()]

    assert names == ["Association ID", "X", "Facebook", "Google", "GitHub", "LinkedIn"]


@pytest.mark.parametrize(
    "environment",
    [
        {"SOCIAL_GOOGLE_CLIENT_ID": "id"},
        {"SOCIAL_X_CLIENT_SECRET": "secret"},
        {"SOCIAL_SSO_CLIENT_ID": "id", "SOCIAL_SSO_CLIENT_SECRET": "secret"},
    ],
    ids=["id without secret", "secret without id", "sso without server url"],
)
def test_half_configured_provider_is_refused_with_a_clear_message(monkeypatch, environment):
    for name in PROVIDER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match="SOCIAL_"):
        social_providers()
