"""End to end: a reader signs in through a real OpenID Connect provider on loopback and comments."""

import re
from io import BytesIO

import pytest
from oidc_provider_mock import User as IdentityProviderUser
from oidc_provider_mock import run_server_in_thread
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from config.csp import content_security_policy
from config.settings import social_providers
from tests.factories import make_post
from tests.servers import PictureAnswer

pytestmark = pytest.mark.django_db(transaction=True)


def portrait() -> bytes:
    """A landscape picture with a face-like disc left of centre: the square crop must keep it."""
    image = Image.new("RGB", (640, 400), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((220, 90, 420, 290), fill=(196, 120, 80))
    draw.rectangle((0, 330, 640, 400), fill=(40, 60, 110))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def association_sso(settings, monkeypatch, live_server, picture_host):
    """The association's identity provider (oidc-provider-mock), configured as production would;
    Elena's picture is on a picture host of its own (on loopback, allow-listed)."""
    picture_host.routes["/avatars/00417.jpg"] = PictureAnswer(body=portrait())
    elena = IdentityProviderUser(
        sub="member-00417",
        claims={
            "name": "Elena Rossi",
            "email": "elena.rossi@association.example",
            "email_verified": True,
            "picture": picture_host.url("/avatars/00417.jpg"),
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
    # Her picture, fetched at sign-in, is shown from this site's media, never from the provider.
    avatar = respond.locator("img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/[0-9a-f]+-96\.jpg$"))
    assert avatar.evaluate("image => image.complete && image.naturalWidth") == 96
    expect(respond.get_by_label("Your comment")).to_have_value(
        "Trust is built in small, kept promises."
    )
    screenshot(page, "sign-in-2-back-signed-in")
    assert session_before and session_key(page) not in {session_before, None}

    respond.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments")).to_contain_text("awaiting moderation")
    card_avatar = page.locator(".comment-list img.avatar").first
    expect(card_avatar).to_have_attribute("src", avatar.get_attribute("src"))
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
