"""The "commenting as" fragment at every comment form, the demo sign-in and logging out."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

NEXT_URL = "/essays/on-trust/#reply-to-12"


def render_fragment(rf, user, session_key=None):
    request = rf.get("/essays/on-trust/")
    request.user = user
    request.session = SessionStore(session_key)
    return render_to_string("accounts/_commenting_as.html", {"next_url": NEXT_URL}, request=request)


def test_signed_out_reader_sees_sign_in_buttons_for_configured_providers_and_no_token(
    client, social_providers_configured, settings
):
    settings.DEBUG = False
    post = make_post()

    page = client.get(post.get_absolute_url()).text

    assert "Log in to reply" in page
    for provider in ["sso", "twitter_oauth2", "facebook", "google", "github", "linkedin"]:
        form = re.search(
            rf'<form id="sign-in-{provider}" method="get" data-sign-in action="([^"]+)">', page
        )
        assert form and form[1].startswith("/accounts/")
        assert f'<button form="sign-in-{provider}"' in page
        respond_url = f"{post.get_absolute_url()}#respond"
        assert f'name="next" value="{respond_url}" form="sign-in-{provider}"' in page
    # The page is the same for every reader (cached): the token comes when a button is pressed.
    assert "csrfmiddlewaretoken" not in page
    assert 'data-token-url="/accounts/me/csrf-token/"' in page
    assert "Log in with Association ID" in page and "Log in with LinkedIn" in page
    assert "Demo member" not in page


def test_fragment_runs_no_queries(rf, social_providers_configured, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_fragment(rf, AnonymousUser())

    assert html.count("<button form=") == 6


def test_pages_without_a_comment_form_carry_no_sign_in_forms(client, social_providers_configured):
    response = client.get(reverse("blog:home"))

    assert 'id="sign-in-' not in response.text
    assert "csrftoken" not in response.cookies


def test_fresh_site_shows_no_dead_buttons(rf, settings):
    settings.DEBUG = False

    html = render_fragment(rf, AnonymousUser())

    assert "<button" not in html
    assert "not set up on this site yet" in html


def test_demo_sign_in_button_shows_only_in_development(client, settings):
    settings.DEBUG = True

    page = client.get(make_post().get_absolute_url()).text

    assert "Demo member (development only)" in page
    demo_url = reverse("accounts:demo_sign_in")
    assert f'<form id="sign-in-demo" method="get" data-sign-in action="{demo_url}">' in page


@pytest.mark.parametrize(
    ("next_url", "landing"), [(NEXT_URL, NEXT_URL), ("https://evil.example/", "/")]
)
def test_log_out_is_a_post_that_returns_to_the_same_place_on_site(client, next_url, landing):
    client.force_login(make_user())

    client.get(reverse("account_logout"))
    still_signed_in = "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"), {"next": next_url})

    assert still_signed_in  # a GET only shows a confirmation page
    assert "_auth_user_id" not in client.session
    assert response["Location"] == landing


@pytest.mark.parametrize(
    ("debug", "status"), [(False, HTTPStatus.NOT_FOUND), (True, HTTPStatus.FOUND)]
)
def test_demo_sign_in_exists_only_in_development(client, settings, debug, status):
    settings.DEBUG = debug

    response = client.post(reverse("accounts:demo_sign_in"), {"next": NEXT_URL})

    assert response.status_code == status
    assert ("_auth_user_id" in client.session) is debug


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [(NEXT_URL, NEXT_URL), ("https://evil.example/", "/"), ("", "/")],
)
def test_demo_sign_in_signs_in_the_demo_member_and_returns_on_site_only(
    client, settings, next_url, landing
):
    settings.DEBUG = True

    response = client.post(reverse("accounts:demo_sign_in"), {"next": next_url})

    assert response["Location"] == landing
    assert User.objects.get(pk=client.session["_auth_user_id"]).username == "demo-member"


def test_demo_sign_in_refuses_a_get(client, settings):
    settings.DEBUG = True

    response = client.get(reverse("accounts:demo_sign_in"))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("signed_in", "link"), [(False, "Log in</a>"), (True, "Elena Rossi</a>")])
def test_header_links_to_log_in_or_to_the_members_account(client, signed_in, link):
    if signed_in:
        client.force_login(make_user(display_name="Elena Rossi"))

    response = client.get(reverse("blog:home"))

    assert link in response.text


def test_sign_in_page_offers_one_click_post_buttons_that_keep_next(
    client, social_providers_configured
):
    response = client.get(reverse("account_login"), {"next": NEXT_URL})

    page = response.text
    forms = re.findall(r'<form method="post" action="(/accounts/[^"]+/login/)">', page)
    assert forms[0] == "/accounts/oidc/sso/login/"
    assert len(forms) == 6
    assert page.count(f'<input type="hidden" name="next" value="{NEXT_URL}">') == 6
    assert 'href="/accounts/google/login/' not in page
