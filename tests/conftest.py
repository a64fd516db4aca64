import pytest
from django.core.cache import cache

from config.settings import social_providers


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Test-only tweaks: fast password hashing, media in a temporary folder, an empty cache, no
    sign-in providers unless a test asks for them (whatever the developer's environment says).

    (Django's test runner already keeps mail in memory: see `mailoutbox`.)
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SOCIALACCOUNT_PROVIDERS = {}
    cache.clear()


# Sign-in providers (accounts) -------------------------------------------------------------------

SSO_SERVER_URL = "https://sso.association.example"
PROVIDER_ENVIRONMENT = {
    "SOCIAL_SSO_NAME": "Association ID",
    "SOCIAL_SSO_SERVER_URL": SSO_SERVER_URL,
    **{
        f"SOCIAL_{prefix}_{part}": f"{prefix.lower()}-{part.lower().replace('_', '-')}"
        for prefix in ["SSO", "X", "FACEBOOK", "GOOGLE", "GITHUB", "LINKEDIN"]
        for part in ["CLIENT_ID", "CLIENT_SECRET"]
    },
}


@pytest.fixture
def social_providers_configured(settings, monkeypatch):
    """Every provider configured, through the same environment variables production sets."""
    for name, value in PROVIDER_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    return settings.SOCIALACCOUNT_PROVIDERS
