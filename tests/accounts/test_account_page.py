"""The member's account page: profile, sign-in methods, export and deletion."""

import json
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import personal_data
from accounts.models import User
from comments.models import Comment
from tests.factories import make_comment, make_post, make_user

pytestmark = pytest.mark.django_db


def make_member(*providers, **fields):
    member = make_user(**fields)
    member.set_unusable_password()
    member.save()
    for n, provider in enumerate(providers or ["sso"]):
        SocialAccount.objects.create(
            user=member,
            provider=provider,
            uid=f"{provider}-uid-{member.pk}-{n}",
            extra_data={"name": f"{provider} name", "picture": "https://img.example/p.png"},
        )
    return member


@pytest.fixture
def registry(monkeypatch):
    """An empty personal-data registry, so that each test registers what it needs."""
    monkeypatch.setattr(personal_data, "_exporters", {})
    monkeypatch.setattr(personal_data, "_erasers", {})
    return personal_data


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("accounts:account", "get"),
        ("accounts:export", "get"),
        ("accounts:delete", "get"),
        ("accounts:delete", "post"),
        ("accounts:disconnect", "post"),
    ],
)
def test_account_pages_send_anonymous_readers_to_sign_in(client, url_name, method):
    url = reverse(url_name)

    response = getattr(client, method)(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")


def test_account_page_shows_profile_methods_and_what_can_be_connected(
    client, social_providers_configured, django_assert_max_num_queries
):
    member = make_member("sso", "github", display_name="Elena Rossi")
    client.force_login(member)

    # 6, and the comment-mail section comments registers: the member's choices and follows.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:account"))

    page = response.text
    assert response.status_code == HTTPStatus.OK
    assert 'value="Elena Rossi"' in page
    assert "Association ID" in page and "GitHub" in page
    assert page.count(">Disconnect</button>") == 2
    assert "Connect Google" in page and "Connect GitHub" not in page


def test_only_sign_in_method_cannot_be_disconnected(client, social_providers_configured):
    member = make_member("sso")
    client.force_login(member)
    account = member.socialaccount_set.get()

    page = client.get(reverse("accounts:account")).text
    response = client.post(reverse("accounts:disconnect"), {"account": account.pk}, follow=True)

    assert ">Disconnect</button>" not in page
    assert "cannot disconnect your last" in response.text
    assert member.socialaccount_set.exists()


def test_one_of_two_sign_in_methods_can_be_disconnected(client, social_providers_configured):
    member = make_member("sso", "github")
    client.force_login(member)
    github = member.socialaccount_set.get(provider="github")

    client.post(reverse("accounts:disconnect"), {"account": github.pk})

    assert list(member.socialaccount_set.values_list("provider", flat=True)) == ["sso"]


def test_member_cannot_disconnect_someone_elses_sign_in_method(client):
    other = make_member("sso", "github")
    client.force_login(make_member("sso", "google"))

    client.post(reverse("accounts:disconnect"), {"account": other.socialaccount_set.first().pk})

    assert other.socialaccount_set.count() == 2


@pytest.mark.parametrize(
    ("typed", "saved_name", "chosen"),
    [
        ("  Lena   Rossi ", "Lena Rossi", True),
        ("Lena\x07 Rossi\x1b", "Lena Rossi", True),
        ("", "sso name", False),
        ("\u200b\u200d \u2060\ufeff", "sso name", False),
    ],
    ids=[
        "own name",
        "control characters dropped",
        "empty: back to the provider's",
        "only invisible characters: empty",
    ],
)
def test_member_edits_display_name(client, typed, saved_name, chosen):
    member = make_member("sso", display_name="Elena")
    client.force_login(member)

    response = client.post(reverse("accounts:account"), {"display_name": typed})

    member.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert (member.display_name, member.display_name_chosen) == (saved_name, chosen)


def test_too_long_display_name_is_refused_and_nothing_changes(client):
    member = make_member("sso", display_name="Elena")
    client.force_login(member)

    response = client.post(reverse("accounts:account"), {"display_name": "x" * 151})

    member.refresh_from_db()
    assert response.status_code == HTTPStatus.OK
    assert "at most 150 characters" in response.text
    assert member.display_name == "Elena"


def test_export_is_a_json_download_of_profile_methods_and_every_apps_section(client, registry):
    member = make_member("sso", display_name="Elena Rossi", email="elena@example.org")
    member.socialaccount_set.update(
        extra_data={"userinfo": {"name": "Elena"}, "id_token": {"nonce": "n"}}
    )
    registry.register_exporter("comments", lambda user: [{"body": "Hi", "status": "pending"}])
    client.force_login(member)

    response = client.get(reverse("accounts:export"))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert data["profile"]["display_name"] == "Elena Rossi"
    assert data["profile"]["email"] == "elena@example.org"
    assert data["sign_in_methods"][0]["provider"] == "sso"
    assert data["sign_in_methods"][0]["profile"] == {"userinfo": {"name": "Elena"}}
    assert data["comments"] == [{"body": "Hi", "status": "pending"}]
    assert "token" not in json.dumps(data["sign_in_methods"])


def test_account_is_deleted_only_after_confirmation(client, registry):
    member = make_member("sso")
    client.force_login(member)

    response = client.post(reverse("accounts:delete"), {})

    assert response.status_code == HTTPStatus.OK
    assert "Tick the box" in response.text
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_an_account_erases_every_apps_data_and_the_social_links(client, registry):
    member = make_member("sso", "github")
    EmailAddress.objects.create(user=member, email=member.email)
    erased = []
    registry.register_eraser("comments", lambda user: erased.append(user.pk))
    client.force_login(member)

    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert response["Location"] == reverse("blog:home")
    assert erased == [member.pk]
    assert not User.objects.filter(pk=member.pk).exists()
    assert not SocialAccount.objects.exists()
    assert not EmailAddress.objects.exists()
    assert "_auth_user_id" not in client.session


def test_failing_eraser_leaves_the_account_whole(client, registry):
    member = make_member("sso")

    def failing_eraser(user):
        User.objects.filter(pk=user.pk).update(display_name="half-erased")
        raise RuntimeError("disk full")

    registry.register_eraser("comments", failing_eraser)
    client.raise_request_exception = False
    client.force_login(member)

    response = client.post(reverse("accounts:delete"), {"confirm": "on"})

    member.refresh_from_db()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert member.display_name != "half-erased"
    assert member.socialaccount_set.exists()


def test_staff_accounts_are_not_deleted_from_the_account_page(client, registry):
    editor = make_user(is_staff=True)
    client.force_login(editor)

    client.post(reverse("accounts:delete"), {"confirm": "on"})

    assert User.objects.filter(pk=editor.pk).exists()


def test_deleted_members_comments_leave_a_former_member_where_others_replied(client):
    member = make_member("sso", display_name="Elena")
    post = make_post()
    answered = make_comment(post=post, author=member, body="Answered thought")
    make_comment(post=post, author=make_user(), parent=answered, body="A reply")
    lonely = make_comment(post=post, author=member, body="Lonely thought")
    client.force_login(member)

    client.post(reverse("accounts:delete"), {"confirm": "on"})

    answered.refresh_from_db()
    assert (answered.author, answered.body) == (None, "")
    assert not Comment.objects.filter(pk=lonely.pk).exists()
    assert Comment.objects.filter(body="A reply").exists()
