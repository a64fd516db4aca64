from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.providers import configured_providers, provider_name

DEMO_SESSION_KEY = "accounts_demo_sign_in"


def sign_in(request):
    """What the sign-in fragment needs on any page, computed only when a template uses it."""
    return {
        "sign_in_providers": SimpleLazyObject(configured_providers),
        "signed_in_with": SimpleLazyObject(lambda: signed_in_with(request)),
        "demo_sign_in_enabled": settings.DEBUG,
    }


def signed_in_with(request) -> str:
    """The name of the provider the member signed in with this session ("" if none)."""
    if not request.user.is_authenticated:
        return ""
    if request.session.get(DEMO_SESSION_KEY):
        return "demo"
    for record in reversed(get_authentication_records(request, request.user)):
        if record.get("method") == "socialaccount":
            return provider_name(record["provider"])
    return ""
