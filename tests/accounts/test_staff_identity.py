"""Staff speak in public under a proper name, never "Member 123456"."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import User
from tests.factories import make_comment, make_post, make_user, role_group

pytestmark = pytest.mark.django_db


def test_staff_without_any_name_are_shown_by_username_not_a_member_label():
    assert User(username="sam.keller", is_staff=True).get_display_name() == "sam.keller"


def test_a_staff_account_made_on_the_command_line_is_saved_with_a_display_name():
    user = User.objects.create_superuser("sam.keller", "sam@example.org", "pw-long-enough-1")

    assert user.display_name == "sam.keller"


def test_a_member_made_staff_keeps_their_display_name():
    user = make_user(display_name="Elena Rossi")
    user.is_staff = True
    user.save(update_fields=["is_staff"])

    user.refresh_from_db()
    assert user.display_name == "Elena Rossi"


def test_admin_add_user_form_asks_for_the_public_name(admin_client):
    page = admin_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="display_name"' in page

    admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "sam.keller",
            "usable_password": "true",
            "password1": "a-long-enough-pw-91",
            "password2": "a-long-enough-pw-91",
            "display_name": "Sam Keller",
            "first_name": "",
            "last_name": "",
        },
    )

    assert User.objects.get(username="sam.keller").display_name == "Sam Keller"


def test_existing_staff_without_a_display_name_are_named_by_the_migration():
    named = make_user(is_staff=True, first_name="Ruth", last_name="Adeyemi", display_name="Ruth")
    full = make_user(is_staff=True, first_name="Kofi", last_name="Mensah")
    bare = make_user(is_staff=True, username="ops-anna")
    member = make_user(display_name="")
    # As before the migration: staff rows with no display name.
    User.objects.filter(pk__in=[full.pk, bare.pk, member.pk]).update(display_name="")

    migration = import_module("accounts.migrations.0006_staff_display_names")
    migration.name_existing_staff(apps, None)

    names = dict(User.objects.values_list("pk", "display_name"))
    assert [names[named.pk], names[full.pk], names[bare.pk]] == ["Ruth", "Kofi Mensah", "ops-anna"]
    assert names[member.pk] == ""


def test_a_staff_moderators_reply_shows_their_name_and_initials_in_the_thread(client):
    moderator = make_user(
        is_staff=True, username="sam.keller", first_name="Sam", last_name="Keller", display_name=""
    )
    moderator.groups.add(role_group("Moderators"))
    post = make_post()
    parent = make_comment(post=post, author=make_user(display_name="Ada Lovelace"))
    make_comment(post=post, author=moderator, parent=parent)

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Sam Keller" in html
    assert ">SK</span>" in html
    assert "Member " not in html
