"""Essay revisions: every save is kept, compared word by word, and can be restored."""

from http import HTTPStatus
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from blog.models import Post
from blog.revisions import diff_words
from tests.blog.test_admin import essay_form
from tests.factories import make_author, make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return make_staff(group="Editors", display_name="Eddie Tor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def history_url(post):
    return reverse("admin:blog_post_history", args=[post.pk])


def revision_url(post, revision):
    return reverse("admin:blog_post_revision", args=[post.pk, revision.history_id])


def test_diff_words_marks_removed_and_added_words_in_reading_order():
    runs = diff_words("Alarms ring too often.", "Alarms ring far too often!")

    assert runs == [
        ("same", "Alarms ring "),
        ("added", "far "),
        ("same", "too often"),
        ("removed", "."),
        ("added", "!"),
    ]


def test_saving_in_the_admin_records_a_revision_with_its_author_and_what_changed(editor_client):
    author = make_author()
    editor_client.post(
        reverse("admin:blog_post_add"), essay_form(bylines=[(author, 0)], body="First words.")
    )
    post = Post.objects.get()
    change = essay_form(bylines=[(author, 0)], body="Second words.")
    change.update({"bylines-INITIAL_FORMS": "1", "bylines-0-id": str(post.bylines.get().pk)})
    change["bylines-0-post"] = str(post.pk)

    response = editor_client.post(reverse("admin:blog_post_change", args=[post.pk]), change)

    assert response.status_code == HTTPStatus.FOUND
    page = editor_client.get(history_url(post)).content.decode()
    assert page.count("Eddie Tor") == 2
    assert "First version" in page
    assert ">body</td>" in page.replace("\n", "")


def test_a_revision_shows_a_readable_escaped_diff_against_the_current_text(editor_client):
    post = make_post(title="Pumps", body="Check the <pump> daily.")
    old = post.history.get()
    post.body = "Check the <pump> weekly, with care."
    post.save()

    page = editor_client.get(revision_url(post, old)).content.decode()

    assert "Check the &lt;pump&gt; <del>weekly, with care</del><ins>daily</ins>." in page
    assert 'Title <span class="revision__same">(unchanged)</span>' in page
    assert "Restore this version" in page


def test_restoring_a_version_brings_its_words_back_and_keeps_the_address(editor_client, editor):
    post = make_post(title="Pumps", dek="Old summary.", body="Old body.", slug="pumps")
    old = post.history.get()
    post.title, post.dek, post.body, post.slug = "Pumps!", "New summary.", "New body.", "pumps-2"
    post.save()

    response = editor_client.post(revision_url(post, old))

    assert response.status_code == HTTPStatus.FOUND
    post.refresh_from_db()
    assert (post.title, post.dek, post.body, post.slug) == (
        "Pumps",
        "Old summary.",
        "Old body.",
        "pumps-2",
    )
    assert post.body_html == "<p>Old body.</p>"
    latest = post.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Restored the version of")
    assert post.history.count() == 3  # the replaced text is kept too


@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_essay_permissions_see_and_restore_nothing(client, method):
    client.force_login(make_staff(group="Moderators"))
    post = make_post(body="Kept.")
    old = post.history.get()
    post.body = "Changed."
    post.save()

    response = getattr(client, method)(revision_url(post, old))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get(history_url(post)).status_code == HTTPStatus.FORBIDDEN
    post.refresh_from_db()
    assert post.body == "Changed."


def test_existing_essays_start_their_history_with_their_current_text():
    post = make_post(body="Written before revisions.")
    post.history.all().delete()

    migration = import_module("blog.migrations.0008_essay_images_revisions_body_help")
    migration.record_first_revisions(apps, None)

    first = post.history.get()
    assert first.body == "Written before revisions."
    assert first.history_change_reason == "Text before revisions were kept"


def test_publishing_from_the_essay_list_is_a_revision_by_that_editor(editor_client, editor):
    post = make_post(status=Post.Status.DRAFT, published_at=None)

    editor_client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_selected", "_selected_action": [str(post.pk)]},
    )

    latest = post.history.first()
    assert (latest.status, latest.history_user) == (Post.Status.PUBLISHED, editor)
    page = editor_client.get(history_url(post)).content.decode()
    assert "status, publication date" in page
