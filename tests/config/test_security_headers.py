"""The headers every response carries, and the Content-Security-Policy the settings derive."""

import datetime
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from django.urls import reverse
from django.utils import timezone

from config.csp import SIGN_IN_ORIGINS, content_security_policy
from tests.conftest import SSO_SERVER_URL
from tests.factories import make_comment, make_moderator, make_post, make_user

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split("; "))}


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("blog:home"),
        lambda: make_post().get_absolute_url(),
        lambda: reverse("admin:login"),
        lambda: "/no-such-page/",
    ],
)
def test_every_page_forbids_inline_code_framing_and_foreign_sources(client, url):
    response = client.get(url())
    policy = directives(response)

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and policy["style-src"][0] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]  # no provider configured in tests
    assert policy["img-src"] == ["'self'"]


# What the policy would refuse: a script with no src, a <style> element, a style or on… attribute.
INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_the_sites_own_pages_carry_no_inline_script_or_style(client, social_providers_configured):
    member, moderator = make_user(), make_moderator()
    post = make_post()
    comment = make_comment(post=post, author=member, body="See https://example.org/notes")
    public = [
        reverse("blog:home"),
        post.get_absolute_url(),
        reverse("account_login"),
        reverse("socialaccount_login_cancelled"),
        reverse("comments:reply", args=[comment.pk]),
        "/no-such-page/",
    ]
    pages = {url: client.get(url) for url in public}
    client.force_login(member)  # the thread as its author sees it, the account page, the edit
    for url in [
        post.get_absolute_url(),
        reverse("accounts:account"),
        reverse("comments:edit", args=[comment.pk]),
    ]:
        pages[url] = client.get(url)
    client.force_login(moderator)  # the moderators' tools, rendered in Python (comments.render)
    for url in [post.get_absolute_url(), reverse("comments:queue")]:
        pages[url] = client.get(url)

    for url, response in pages.items():
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.NOT_FOUND}, url
        assert not INLINE_CODE.findall(response.text), url


def test_admin_pages_name_a_fresh_nonce_for_the_scripts_they_mark(admin_client):
    first = admin_client.get(reverse("admin:accounts_author_changelist"))
    second = admin_client.get(reverse("admin:accounts_author_changelist"))

    nonces = [directives(response)["script-src"][1] for response in (first, second)]
    assert nonces[0].startswith("'nonce-") and nonces[0] != nonces[1]
    assert f'nonce="{nonces[0][7:-1]}"' in first.text


def test_pages_without_inline_parts_carry_no_nonce(client):
    # So that a page cached for every reader never holds a nonce its header does not name.
    response = client.get(make_post().get_absolute_url())

    assert "nonce" not in response["Content-Security-Policy"]
    assert "nonce=" not in response.text


def test_sign_in_forms_may_reach_each_configured_provider(social_providers_configured):
    policy = content_security_policy(providers=social_providers_configured)

    assert policy["form-action"] == [
        "'self'",
        SSO_SERVER_URL,
        "https://www.linkedin.com",
        *SIGN_IN_ORIGINS["twitter_oauth2"],
        *SIGN_IN_ORIGINS["facebook"],
        *SIGN_IN_ORIGINS["google"],
        *SIGN_IN_ORIGINS["github"],
    ]


def test_images_never_come_from_the_providers_picture_hosts(social_providers_configured):
    # Members' pictures are shown from the copies stored in media (accounts.avatars).
    policy = content_security_policy(providers=social_providers_configured)

    assert policy["img-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("provider", "adapter"),
    [
        ("twitter_oauth2", TwitterOAuth2Adapter),
        ("facebook", FacebookOAuth2Adapter),
        ("google", GoogleOAuth2Adapter),
        ("github", GitHubOAuth2Adapter),
    ],
)
def test_sign_in_origins_include_where_allauth_sends_the_member(provider, adapter):
    parts = urlsplit(adapter.authorize_url)

    assert f"{parts.scheme}://{parts.netloc}" in SIGN_IN_ORIGINS[provider]


@pytest.mark.parametrize(
    ("media_origin", "extra", "img_src"),
    [
        ("", [], ["'self'"]),
        ("https://cdn.example.net", [], ["'self'", "https://cdn.example.net"]),
        ("", ["https://images.example.org"], ["'self'", "https://images.example.org"]),
    ],
)
def test_images_come_from_the_site_its_media_host_and_named_origins(media_origin, extra, img_src):
    policy = content_security_policy(
        providers={}, media_origin=media_origin, extra_image_origins=extra
    )

    assert policy["img-src"] == img_src


def test_every_response_denies_the_browser_features_the_site_never_uses(client):
    response = client.get(reverse("blog:home"))

    features = dict(part.split("=") for part in response["Permissions-Policy"].split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert features[feature] == "()"


def test_security_txt_says_whom_to_tell(client, settings):
    settings.SECURITY_CONTACT = "security@association.example"
    settings.ALLOWED_HOSTS = ["blog.example.org"]

    response = client.get("/.well-known/security.txt", headers={"host": "blog.example.org"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.text.splitlines())
    assert fields["Contact"] == "mailto:security@association.example"
    assert fields["Preferred-Languages"] == "en"
    assert fields["Canonical"] == "https://blog.example.org/.well-known/security.txt"
    expires = datetime.datetime.fromisoformat(fields["Expires"])
    assert timezone.now() + datetime.timedelta(days=90) < expires
    assert expires < timezone.now() + datetime.timedelta(days=365)  # RFC 9116: under a year


def test_security_txt_keeps_a_web_contact_as_given(client, settings):
    settings.SECURITY_CONTACT = "https://association.example/security"

    response = client.get("/.well-known/security.txt")

    assert "Contact: https://association.example/security\n" in response.text


def test_security_txt_is_absent_until_a_contact_is_configured(client, settings):
    settings.SECURITY_CONTACT = ""

    assert client.get("/.well-known/security.txt").status_code == HTTPStatus.NOT_FOUND
