"""Signed-in members are loaded on each request by accounts.backends.MemberBackend: what allauth
records at sign-in, the same member as Django's ORM would load, and older sessions still valid."""

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from accounts.backends import MemberBackend
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

MEMBER_BACKEND = "accounts.backends.MemberBackend"


def test_signing_in_through_allauth_records_the_member_backend():
    request = RequestFactory().get("/")
    SessionMiddleware(lambda request: None).process_request(request)
    member = make_user()

    get_adapter(request).login(request, member)

    assert request.session[BACKEND_SESSION_KEY] == MEMBER_BACKEND


@pytest.mark.parametrize(
    "backend",
    [
        MEMBER_BACKEND,
        "allauth.account.auth_backends.AuthenticationBackend",  # signed in before it existed
        "django.contrib.auth.backends.ModelBackend",  # staff, the demo sign-in
    ],
)
def test_a_member_reads_pages_as_themselves_whichever_backend_their_session_names(client, backend):
    essay = make_post(title="On Doors")
    client.force_login(make_user(display_name="Dora Doorkeeper"), backend=backend)

    page = client.get(essay.get_absolute_url()).text

    assert "Dora Doorkeeper" in page and "site-nav__login" not in page


def test_the_member_is_the_one_the_orm_would_load_and_saves_as_usual():
    member = make_user(display_name="Ada Archivist")

    loaded = MemberBackend().get_user(member.pk)

    reference = get_user_model()._default_manager.get(pk=member.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(reference, field.attname), field.name
    loaded.display_name = "Ada Annalist"
    loaded.save(update_fields=["display_name"])
    reference.refresh_from_db()
    assert reference.display_name == "Ada Annalist"


def test_a_deactivated_or_deleted_member_is_signed_out_at_their_next_request(client):
    essay = make_post(title="On Leaving")
    inactive, deleted = make_user(display_name="Ivo Inactive"), make_user(display_name="Del Gone")

    client.force_login(inactive, backend=MEMBER_BACKEND)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert "Ivo Inactive" not in client.get(essay.get_absolute_url()).text

    client.force_login(deleted, backend=MEMBER_BACKEND)
    key = deleted.pk
    deleted.delete()
    assert "Del Gone" not in client.get(essay.get_absolute_url()).text
    assert MemberBackend().get_user(key) is None
