"""The essay form reads in the order editors work, and the admin shows editors only their tools."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post
from tests.blog.test_admin import essay_form
from tests.factories import image_bytes, make_author, make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def test_the_essay_form_goes_title_summary_byline_body_tags_image_publishing_comments(
    editor_client,
):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    marks = [
        'name="title"',
        'name="dek"',
        'id="bylines-group"',
        'name="body"',
        "field-tags",
        'name="featured_image"',
        'name="status"',
        'name="comment_mode"',
        'name="comments_close_after_days"',
    ]
    positions = [page.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_a_new_essay_offers_one_byline_row_with_a_labelled_author_and_no_order_number(
    editor_client,
):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    assert 'name="bylines-TOTAL_FORMS" value="1"' in page
    assert '<input type="hidden" name="bylines-0-position"' in page
    assert ">Order<" not in page
    assert 'aria-label="Author"' in page
    assert "js/admin_essay_form.js" in page


def test_breadcrumbs_name_the_blog_then_the_essays(editor_client):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    assert '/admin/blog/">Blog</a></li>' in page
    assert "Essays</a></li>" in page


def test_the_featured_image_is_shown_on_the_form_once_stored(editor_client):
    author = make_author()
    image = SimpleUploadedFile("ward.jpg", image_bytes(size=(1200, 800)), "image/jpeg")
    editor_client.post(
        reverse("admin:blog_post_add"),
        essay_form(bylines=[(author, 0)], featured_image=image, featured_image_alt="A ward"),
    )
    post = Post.objects.get()

    page = editor_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()

    assert f'<img src="{post.featured_image.url}" alt="" width="320" height="213">' in page
    assert "As readers get it (1200 × 800 pixels)" in page


def test_an_author_photo_shows_the_renditions_readers_get(
    editor_client, django_capture_on_commit_callbacks
):
    author = make_author()
    photo = SimpleUploadedFile("p.jpg", image_bytes(size=(600, 600)), "image/jpeg")
    form = {
        "name": author.name,
        "slug": author.slug,
        **dict.fromkeys(
            ["credentials", "job_title", "organisation", "bio", "website", "social_links", "user"],
            "",
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:accounts_author_change", args=[author.pk]), {**form, "photo": photo}
        )
    author.refresh_from_db()

    page = editor_client.get(
        reverse("admin:accounts_author_change", args=[author.pk])
    ).content.decode()

    for caption, photo in [("In bylines", author.byline_photo), ("Under essays", author.bio_photo)]:
        assert f'<img src="{photo["src"]}" alt="" width="{photo["width"]}"' in page
        assert f"<figcaption>{caption}</figcaption>" in page


@pytest.mark.parametrize("section", ["Email addresses", "Social accounts", "Sites"])
def test_editors_do_not_see_library_internals_in_the_admin_index(
    editor_client, admin_client, section
):
    assert section not in editor_client.get(reverse("admin:index")).content.decode()
    assert section in admin_client.get(reverse("admin:index")).content.decode()


def test_the_comment_list_names_each_essay_by_its_title(client):
    client.force_login(make_staff(group="Moderators"))
    post = make_post(title="On Stewardship")
    make_comment(post=post, body="A thoughtful remark.")

    response = client.get(reverse("admin:comments_comment_changelist"))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<td class="field-essay">On Stewardship</td>' in page
    assert "A thoughtful remark." in page
    assert f" on {post.pk}:" not in page
