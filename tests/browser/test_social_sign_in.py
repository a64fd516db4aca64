"""End to end: a reader signs in through a real OpenID Connect provider on loopback and comments."""

import pytest
from oidc_provider_mock import User as IdentityProviderUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect

from config.csp import content_security_policy
from config.settings import social_providers
from tests.factories import make_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def association_sso(settings, monkeypatch, live_server):
    """The association's identity provider (oidc-provider-mock), configured as production would."""
    elena = IdentityProviderUser(
        sub="member-00417",
        claims={
            "name": "Elena Rossi",
            "email": "elena.rossi@association.example",
            "email_verified": True,
            "picture": f"{live_server.url}/static/img/favicon.svg",
        },
    )
    with run_server_in_thread(user_claims=[elena]) as server:
        monkeypatch.setenv("SOCIAL_SSO_NAME", "Association ID")
        monkeypatch.setenv("SOCIAL_SSO_SERVER_URL", f"http://localhost:{server.server_port}")
        monkeypatch.setenv("SOCIAL_SSO_CLIENT_ID", "lectern")
        monkeypatch.setenv("SOCIAL_SSO_CLIENT_SECRET", "lectern-secret")
        settings.SOCIALACCOUNT_PROVIDERS = social_providers()
        # As settings.py does: the sign-in form may now send the browser on to the provider.
        settings.SECURE_CSP = content_security_policy(
            providers=settings.SOCIALACCOUNT_PROVIDERS, media_origin=settings.MEDIA_ORIGIN
        )
        yield server


def session_cookie(header: str) -> str | None:
    from django.conf import settings

    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, _, value in pairs}.get(settings.SESSION_COOKIE_NAME)


def test_reader_signs_in_with_the_association_and_comments_as_themselves(
    page, association_sso, screenshot, session_key
):
    post = make_post(title="On trust in small teams")
    page.goto(post.get_absolute_url())
    respond = page.locator("#respond")
    respond.get_by_label("Your comment").fill("Trust is built in small, kept promises.")
    screenshot(page, "sign-in-1-signed-out")
    # The cached page starts no session; pressing the button does (the token it fetches is bound
    # to it), and signing in replaces that session with a new one.
    assert session_key(page) is None

    with page.expect_request(lambda r: r.method == "POST" and "/login/" in r.url) as sign_in:
        respond.get_by_role("button", name="Log in with Association ID").click()
    session_before = session_cookie(sign_in.value.all_headers().get("cookie", ""))
    page.get_by_role("button", name="Authorize as member-00417").click()

    # Back at the comment form, signed in, with the text typed before signing in.
    expect(page).to_have_url(f"{page.url.split('/essays/')[0]}{post.get_absolute_url()}#respond")
    expect(respond).to_contain_text("You are commenting using your Association ID account.")
    expect(respond).to_contain_text("Elena Rossi")
    expect(respond.get_by_label("Your comment")).to_have_value(
        "Trust is built in small, kept promises."
    )
    screenshot(page, "sign-in-2-back-signed-in")
    assert session_before and session_key(page) not in {session_before, None}

    respond.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments")).to_contain_text("awaiting moderation")
    screenshot(page, "sign-in-3-posted")

    respond.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{page.url.split('/essays/')[0]}{post.get_absolute_url()}#respond")
    expect(page.locator("#respond")).to_contain_text("Log in to reply")


def test_a_policy_without_the_provider_would_stop_the_sign_in(
    page, association_sso, settings, csp_violations
):
    # What form-action guards against, and why settings.py adds the providers to it: Chromium
    # checks the redirect that follows the sign-in POST.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'"]}
    post = make_post(title="On trust in small teams")
    page.goto(post.get_absolute_url())

    page.locator("#respond").get_by_role("button", name="Log in with Association ID").click()

    # Chromium names the sign-in URL: the address it was redirected to stays private.
    csp_violations.expect(page, "form-action")
    assert page.url.endswith(post.get_absolute_url())  # the reader never left the essay
