"""Writes about members that span models: provider refresh, data export, account deletion."""

import logging

from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.names import imitated_name
from accounts.personal_data import export_sections, run_erasers
from accounts.providers import profile_from_provider_data, provider_name
from config.page_cache import public_pages_changed

logger = logging.getLogger(__name__)

# Sections of the export that belong to the profile itself; an app's registry section cannot
# take their place.
PROFILE_SECTIONS = {"exported_at", "profile", "sign_in_methods"}


def user_refresh_from_provider(*, user: User, extra_data: dict) -> None:
    """Take the member's picture, and their name unless they chose their own, from the provider."""
    profile = profile_from_provider_data(extra_data)
    changed = []
    if profile.avatar_url != user.avatar_url:
        user.avatar_url = profile.avatar_url
        changed.append("avatar_url")
    if not user.display_name_chosen:
        if dropped := _drop_imitating_names(user, profile.name):
            changed += dropped
        elif profile.name and profile.name != user.display_name:
            user.display_name = profile.name
            changed.append("display_name")
    if changed and user.pk:
        user.save(update_fields=changed)
        public_pages_changed("site")  # the member's name and picture on their comments


def _drop_imitating_names(user: User, provider_name: str) -> list[str]:
    """A name from the provider that reads like a moderator's or an author's is not shown: the
    member is shown with the neutral "Member 123456" label, as when a provider gives no name."""
    names = [provider_name or user.display_name, user.get_full_name()]
    if not any(imitated_name(name, member=user) for name in names):
        return []
    user.display_name = user.first_name = user.last_name = ""
    return ["display_name", "first_name", "last_name"]


def user_export(*, user: User) -> dict:
    """Everything Lectern keeps about a member, as JSON-serialisable data (no provider tokens)."""
    accounts = SocialAccount.objects.filter(user=user).order_by("date_joined")
    export = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "display_name": user.get_display_name(),
            "email": user.email,
            "avatar_url": user.avatar_url,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "sign_in_methods": [
            {
                "provider": provider_name(account.provider),
                "account_id": account.uid,
                "connected_at": account.date_joined.isoformat(),
                "last_sign_in": account.last_login.isoformat(),
                # What the provider said about the member; token-like entries left out.
                "profile": {
                    key: value
                    for key, value in (account.extra_data or {}).items()
                    if "token" not in key
                },
            }
            for account in accounts
        ],
    }
    for name, section in export_sections(user).items():
        export[name if name not in PROFILE_SECTIONS else f"{name}_data"] = section
    return export


def user_delete(*, user: User) -> None:
    """Delete a member: every app erases its data first, then the account and its social links."""
    with transaction.atomic():
        run_erasers(user)
        user_id = user.pk
        user.delete()  # cascades to social accounts and e-mail addresses
        public_pages_changed("site")
    logger.info("member %s deleted their account", user_id)


def user_update_profile(*, user: User, display_name: str) -> None:
    """Save the member's own name; an empty one goes back to the one from their provider."""
    user.display_name_chosen = bool(display_name)
    if display_name:
        user.display_name = display_name
    else:
        latest = SocialAccount.objects.filter(user=user).order_by("-last_login").first()
        user.display_name = (
            profile_from_provider_data(latest.extra_data).name if latest else user.display_name
        )
    user.save(update_fields=["display_name", "display_name_chosen"])
    public_pages_changed("site")  # the member's name on their comments
