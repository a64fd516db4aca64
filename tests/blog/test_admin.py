from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.models import Post
from tests.factories import image_bytes, make_author, make_post, make_staff, make_tag

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:blog_post_add")
CHANGELIST_URL = reverse("admin:blog_post_changelist")


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def essay_form(**fields):
    """What the admin's add form posts, with a byline inline of (author, position) pairs."""
    bylines = fields.pop("bylines", [])
    data = {
        "title": "Alarm fatigue, revisited",
        "slug": "alarm-fatigue-revisited",
        "dek": "Too many beeps.",
        "body": "## Why\n\nBecause.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "comment_mode": "open",
        "comments_close_after_days": "30",
        "featured_image_alt": "",
        "bylines-TOTAL_FORMS": str(len(bylines)),
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    for index, (author, position) in enumerate(bylines):
        data[f"bylines-{index}-author"] = str(author.pk)
        data[f"bylines-{index}-position"] = str(position)
    data.update(fields)
    return data


def test_editor_adds_an_essay_with_ordered_authors_and_tags_through_the_admin_form(editor_client):
    first, second = make_author(name="Second in list"), make_author(name="First in byline")
    tag = make_tag(name="Alarms")

    response = editor_client.post(
        ADD_URL, essay_form(bylines=[(first, 2), (second, 1)], tags=[str(tag.pk)])
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    post = Post.objects.get(slug="alarm-fatigue-revisited")
    assert post.byline_authors == [second, first]
    assert list(post.tags.all()) == [tag]
    assert post.body_html == '<h2 id="section-why">Why</h2>\n<p>Because.</p>'
    assert not post.is_published()


def test_an_essay_needs_at_least_one_author(editor_client):
    response = editor_client.post(ADD_URL, essay_form(bylines=[]))

    assert response.status_code == HTTPStatus.OK
    assert "Please submit at least 1 form." in response.content.decode()
    assert not Post.objects.exists()


def test_a_taken_slug_gets_a_clear_error_not_a_crash(editor_client):
    make_post(slug="alarm-fatigue-revisited")

    response = editor_client.post(ADD_URL, essay_form(bylines=[(make_author(), 0)]))

    assert response.status_code == HTTPStatus.OK
    assert "Another essay already uses this slug" in response.content.decode()
    assert Post.objects.count() == 1


def test_a_featured_image_needs_a_description(editor_client):
    image = SimpleUploadedFile("pump.jpg", image_bytes(size=(1200, 800)))

    response = editor_client.post(
        ADD_URL, essay_form(bylines=[(make_author(), 0)], featured_image=image)
    )

    assert "Describe the featured image" in response.content.decode()
    assert not Post.objects.exists()


def test_a_featured_image_is_stored_without_camera_data_and_shown_with_its_size(
    editor_client, client
):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    image = SimpleUploadedFile("ward.jpg", image_bytes(size=(1200, 800), exif=exif))

    editor_client.post(
        ADD_URL,
        essay_form(
            bylines=[(make_author(), 0)],
            featured_image=image,
            featured_image_alt="A ward at night",
            status="published",
        ),
    )

    post = Post.objects.get()
    with post.featured_image.open("rb") as stored:
        assert not Image.open(stored).getexif()
    assert (post.featured_image_width, post.featured_image_height) == (1200, 800)
    body = client.get(post.get_absolute_url()).content.decode()
    url = post.featured_image.url
    assert f'src="{url}" alt="A ward at night" width="1200" height="800"' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body


def test_a_too_small_featured_image_is_refused_with_a_clear_message(editor_client):
    image = SimpleUploadedFile("tiny.jpg", image_bytes(size=(400, 300)))

    response = editor_client.post(
        ADD_URL, essay_form(bylines=[(make_author(), 0)], featured_image=image)
    )

    assert "it needs at least 600 pixels on each side" in response.content.decode()
    assert not Post.objects.exists()


def test_changelist_shows_state_authors_and_comment_counts_in_constant_queries(
    editor_client, django_assert_max_num_queries
):
    author = make_author(name="Amara Okafor")
    for _ in range(5):
        make_post(authors=[author, make_author()], comment_count=4)
    make_post(title="Later", published_at=timezone.now() + timedelta(days=3), authors=[author])
    # Any admin page stores the editor's CSRF secret in their session once; not counted here.
    editor_client.get(reverse("admin:index"))

    with django_assert_max_num_queries(12):
        response = editor_client.get(CHANGELIST_URL)

    body = response.content.decode()
    assert "Scheduled" in body and "Published" in body
    assert "Amara Okafor, Author" in body
    assert '<td class="field-comment_count">4</td>' in body


@pytest.mark.parametrize(
    ("search", "found"), [("", 3), ("state=draft", 1), ("state=scheduled", 1), ("state=live", 1)]
)
def test_changelist_filters_by_state(editor_client, search, found):
    make_post(status=Post.Status.DRAFT)
    make_post(published_at=timezone.now() + timedelta(days=1))
    make_post()

    response = editor_client.get(f"{CHANGELIST_URL}?{search}")

    assert response.context["cl"].result_count == found


def test_publish_and_unpublish_actions_change_what_the_public_sees(editor_client):
    post = make_post(status=Post.Status.DRAFT, published_at=None)

    editor_client.post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert post.is_published()

    editor_client.post(
        CHANGELIST_URL, {"action": "unpublish_selected", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_view_on_site_leads_to_the_preview_until_the_essay_is_public(editor_client):
    draft = make_post(status=Post.Status.DRAFT)
    live = make_post()

    draft_page = editor_client.get(reverse("admin:blog_post_change", args=[draft.pk]))
    live_page = editor_client.get(reverse("admin:blog_post_change", args=[live.pk]))

    assert f'href="{draft.get_preview_url()}" class="viewsitelink"' in draft_page.content.decode()
    assert f'href="{live.get_absolute_url()}" class="viewsitelink"' in live_page.content.decode()


def test_author_and_tag_autocomplete_answer_editors(editor_client):
    make_author(name="Amara Okafor")
    make_tag(name="Alarms")

    authors = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Amara", "app_label": "blog", "model_name": "postauthor", "field_name": "author"},
    )
    tags = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "Ala", "app_label": "blog", "model_name": "post", "field_name": "tags"},
    )

    assert [item["text"] for item in authors.json()["results"]] == ["Amara Okafor"]
    assert [item["text"] for item in tags.json()["results"]] == ["Alarms"]


def test_groups_come_from_the_migration_with_editor_permissions_and_no_moderation():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))

    assert {"add_post", "change_post", "change_author", "change_tag", "add_postauthor"} <= codenames
    assert not any("comment" in codename for codename in codenames)
    assert Group.objects.filter(name="Moderators").exists()


@pytest.mark.parametrize(
    ("group", "status"), [("Editors", HTTPStatus.OK), ("Moderators", HTTPStatus.FORBIDDEN)]
)
def test_only_editors_may_open_the_essay_form(client, group, status):
    client.force_login(make_staff(group=group))

    assert client.get(ADD_URL).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", HTTPStatus.NOT_FOUND),
        ("member", HTTPStatus.NOT_FOUND),
        ("moderator", HTTPStatus.NOT_FOUND),
        ("editor", HTTPStatus.OK),
    ],
)
def test_draft_preview_is_for_staff_who_may_view_essays(client, who, status):
    from tests.factories import make_user

    users = {
        "member": make_user,
        "moderator": lambda: make_staff(group="Moderators"),
        "editor": lambda: make_staff(group="Editors"),
    }
    if who in users:
        client.force_login(users[who]())
    draft = make_post(title="Not yet", status=Post.Status.DRAFT, published_at=None)

    response = client.get(draft.get_preview_url())

    assert response.status_code == status
    if status == HTTPStatus.OK:
        body = response.content.decode()
        assert "Not yet" in body and "This essay is a draft" in body and "noindex" in body


@pytest.mark.parametrize(
    ("status", "days", "mode", "banner", "comments"),
    [
        ("draft", None, "open", "This essay is a draft", "Comments open when the essay is"),
        ("draft", None, "closed", "This essay is a draft", "Comments are closed"),
        ("published", 3, "auto_close", "This essay is scheduled", "Comments open when the essay"),
        ("published", -3, "open", "This essay is published", "Leave a Reply"),
    ],
)
def test_preview_says_what_the_essay_and_its_comments_will_do(
    editor_client, status, days, mode, banner, comments
):
    when = None if days is None else timezone.now() + timedelta(days=days)
    essay = make_post(status=status, published_at=when, comment_mode=mode)

    body = editor_client.get(essay.get_preview_url()).content.decode()

    assert banner in body
    assert comments in body
    assert "is draft." not in body
    if mode != "closed":
        assert "Comments are closed" not in body
