"""The sign-in providers configured on this site, read from settings without touching the database.

Provider credentials live in settings.SOCIALACCOUNT_PROVIDERS (built from the environment), never
in allauth's SocialApp rows, so the buttons every comment form shows cost no query.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from accounts.models import tidy_name

# The association's own sign-in first, then the public networks.
DISPLAY_ORDER = ["sso", "twitter_oauth2", "facebook", "google", "github", "linkedin"]


@dataclass(frozen=True)
class SignInProvider:
    id: str  # allauth's provider id ("google"), or the app's provider_id for OpenID Connect
    name: str
    login_url: str


def _configured_apps() -> list[tuple[str, str, str]]:
    """(allauth provider key, provider id, name) of every provider whose credentials are set."""
    from allauth.socialaccount.providers import registry

    apps = []
    for key, config in settings.SOCIALACCOUNT_PROVIDERS.items():
        for app in config.get("APPS", []):
            provider_id = app["provider_id"] if key == "openid_connect" else key
            apps.append((key, provider_id, app.get("name") or registry.get_class(key).name))
    return apps


def configured_providers() -> list[SignInProvider]:
    """Every provider whose credentials are set, in display order."""
    providers = [
        SignInProvider(
            id=provider_id,
            name=name,
            login_url=(
                reverse("openid_connect_login", kwargs={"provider_id": provider_id})
                if key == "openid_connect"
                else reverse(f"{key}_login")
            ),
        )
        for key, provider_id, name in _configured_apps()
    ]
    return sorted(providers, key=_display_position)


def _display_position(provider: SignInProvider) -> int:
    try:
        return DISPLAY_ORDER.index(provider.id)
    except ValueError:
        return len(DISPLAY_ORDER)


def provider_name(provider_id: str) -> str:
    """The name members know a provider by ("X", "LinkedIn"), also for ones since unconfigured.

    Read from settings alone (no sign-in URLs built): it runs on every page showing who is
    commenting, and once per sign-in method on the account page and in the export.
    """
    from allauth.socialaccount.providers import registry

    for _key, configured_id, name in _configured_apps():
        if configured_id == provider_id:
            return name
    provider_class = registry.get_class(provider_id)
    return provider_class.name if provider_class else provider_id


@dataclass(frozen=True)
class ProviderProfile:
    name: str
    picture_url: str


def profile_from_provider_data(extra_data: dict) -> ProviderProfile:
    """The member's name and picture from what a provider said of them (SocialAccount.extra_data).

    The shapes differ: OpenID Connect keeps {"userinfo": …, "id_token": …}; Google gives `picture`,
    GitHub `avatar_url` and `login`, X `profile_image_url` and `username`, Facebook a nested
    `picture.data.url`.
    """
    data = extra_data if isinstance(extra_data, dict) else {}
    if "userinfo" in data or "id_token" in data:
        data = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    full_name = " ".join(part for part in (data.get("given_name"), data.get("family_name")) if part)
    candidates = (
        tidy_name(str(candidate or ""))
        for candidate in (
            data.get("name"),
            full_name,
            data.get("preferred_username"),
            data.get("username"),
            data.get("login"),
        )
    )
    # An e-mail address (some providers' preferred_username) is no name to show the public.
    name = next((candidate for candidate in candidates if candidate and "@" not in candidate), "")
    picture = data.get("picture")
    if isinstance(picture, dict):  # Facebook: {"data": {"url": …, "is_silhouette": …}}
        picture = (picture.get("data") or {}).get("url")
    avatar = picture or data.get("avatar_url") or data.get("profile_image_url") or ""
    return ProviderProfile(name=name[:150], picture_url=_web_url(avatar))


def _web_url(value) -> str:
    """Only plain web addresses are kept as a picture's source: nothing else a provider might send
    (accounts.picture_fetch checks the host before anything is fetched)."""
    value = str(value or "").strip()
    if len(value) > 500 or not value.startswith(("https://", "http://")):
        return ""
    return value
