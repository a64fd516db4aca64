"""Writes about members that span models: provider refresh, data export, account deletion."""

import logging

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.avatars import avatar_drop, avatar_fetch_later
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
    """Take the member's picture, and their name unless they chose their own, from the provider.

    The picture is fetched in the background (accounts.avatars) when its address changed or none
    is stored yet (members from before local copies get theirs at their next sign-in); a member
    whose provider no longer gives one goes back to initials. A user not yet saved (a new member)
    is fetched for by the adapter once it is."""
    profile = profile_from_provider_data(extra_data)
    changed = []
    if profile.picture_url != user.provider_picture_url:
        user.provider_picture_url = profile.picture_url
        changed.append("provider_picture_url")
        if not profile.picture_url:
            changed += avatar_drop(user=user)
    fetch = bool(profile.picture_url) and (
        "provider_picture_url" in changed or not user.picture_small
    )
    if not user.display_name_chosen:
        if dropped := _drop_imitating_names(user, profile.name):
            changed += dropped
        elif profile.name and profile.name != user.display_name:
            user.display_name = profile.name
            changed.append("display_name")
    if changed and user.pk:
        user.save(update_fields=changed)
        public_pages_changed("site")  # the member's name and picture on their comments
    if fetch and user.pk:
        avatar_fetch_later(user=user)


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
            # The picture as this site shows it (a copy it stores), and where it came from.
            "picture": _absolute(user.avatar.src),
            "provider_picture_url": user.provider_picture_url,
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


def _absolute(url: str) -> str:
    """A media address as a full URL (local media are served at a path of this site)."""
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def user_delete(*, user: User) -> None:
    """Delete a member: every app erases its data first, then the account and its social links."""
    with transaction.atomic():
        run_erasers(user)
        avatar_drop(user=user)  # the stored picture's files go once the deletion commits
        user_id = user.pk
        user.delete()  # cascades to social accounts and e-mail addresses
        public_pages_changed("site")
    logger.info("account %s deleted with its data", user_id)


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
