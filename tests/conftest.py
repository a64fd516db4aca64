import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Test-only tweaks: fast password hashing, media in a temporary folder.

    (Django's test runner already keeps mail in memory: see `mailoutbox`.)
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
