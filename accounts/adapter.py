"""django-allauth adapters: members are identified by their provider account, never by e-mail."""

import logging
from http import HTTPStatus

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string

from accounts.avatars import avatar_fetch_later
from accounts.models import User, tidy_name
from accounts.providers import provider_name
from accounts.services import user_refresh_from_provider

logger = logging.getLogger(__name__)


def user_display(user) -> str:
    return user.get_display_name()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Members join by signing in with a provider (SOCIALACCOUNT_ONLY: no local sign-up form).
        return True

    def populate_username(self, request, user):
        # Usernames are made up, never taken from what a provider says (an e-mail address, a
        # handle): they appear in the admin and exports, and a provider's may already be taken.
        username = ""
        while not username or User.objects.filter(username=username).exists():
            username = f"member-{get_random_string(12, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
        user.username = username


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        # A provider's claim to an address is no proof of who someone is on this site.
        return None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.first_name, user.last_name = tidy_name(user.first_name), tidy_name(user.last_name)
        user_refresh_from_provider(user=user, extra_data=sociallogin.account.extra_data)
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        if user.provider_picture_url:
            avatar_fetch_later(user=user)  # populate_user could not: the user had no row yet
        return user

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            # A returning member: their picture (and name, unless they chose one) may have changed.
            user_refresh_from_provider(
                user=sociallogin.user, extra_data=sociallogin.account.extra_data
            )
        else:
            self._drop_address_of_another_member(request, sociallogin)

    def _drop_address_of_another_member(self, request, sociallogin):
        """A new provider account claiming another member's e-mail address gets none.

        It becomes a member of its own (or joins the signed-in member who is connecting it), and
        the other member is neither signed in nor e-mailed.
        """
        current = request.user if request.user.is_authenticated else None
        claimed = {address.email.lower() for address in sociallogin.email_addresses}
        if sociallogin.user.email:
            claimed.add(sociallogin.user.email.lower())
        taken = {
            email
            for email in claimed
            if User.objects.filter(email__iexact=email)
            .exclude(pk=getattr(current, "pk", None))
            .exists()
            or EmailAddress.objects.filter(email__iexact=email).exclude(user=current).exists()
        }
        if taken:
            logger.warning(
                "sign-in with %s account %s claims an e-mail address of another member; "
                "not using it",
                sociallogin.account.provider,
                sociallogin.account.uid,
            )
            sociallogin.email_addresses = [
                address
                for address in sociallogin.email_addresses
                if address.email.lower() not in taken
            ]
            if sociallogin.user.email.lower() in taken:
                sociallogin.user.email = ""

    def validate_disconnect(self, account, accounts):
        if len(accounts) <= 1:
            raise self.validation_error("disconnect_last")

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("accounts:account")

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        extra_context = extra_context or {}
        state = extra_context.get("state") or {}
        logger.warning(
            "sign-in with %s failed: %s%s",
            provider.sub_id,
            error,
            f" ({exception!r})" if exception else "",
        )
        # `next` was checked to be on this site when the sign-in started.
        back_url = state.get("next") or reverse("blog:home")
        cancelled = error == AuthError.CANCELLED
        raise ImmediateHttpResponse(
            render(
                request,
                "accounts/sign_in_failed.html",
                {
                    "provider_name": provider_name(provider.sub_id),
                    "cancelled": cancelled,
                    "back_url": back_url,
                },
                status=HTTPStatus.OK if cancelled else HTTPStatus.UNAUTHORIZED,
            )
        )
