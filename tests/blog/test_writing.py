"""The admin's writing tools: the body's live preview."""

from http import HTTPStatus

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.markup import render_markdown
from blog.images import EssayImage
from blog.models import Post
from tests.blog.test_admin import essay_form
from tests.factories import image_bytes, make_author, make_post, make_staff, make_tag, make_user

pytestmark = pytest.mark.django_db

PREVIEW_URL = reverse("admin:blog_post_body_preview")


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def test_preview_renders_the_body_as_the_essay_page_will(editor_client):
    source = "## Why\n\n> Measure twice.\n>\n> — A carpenter\n\n<script>alert(1)</script>"

    response = editor_client.post(PREVIEW_URL, {"body": source})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html == render_markdown(source)
    assert '<h2 id="section-why">Why</h2>' in html
    assert "<figcaption>— A carpenter</figcaption>" in html
    assert "<script" not in html


def test_the_essay_form_shows_the_body_beside_its_rendered_preview(editor_client):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    assert f'data-preview-url="{PREVIEW_URL}"' in page
    assert 'aria-label="Preview of the body, as readers will see it"' in page
    assert "js/admin_writing.js" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("moderator", HTTPStatus.FORBIDDEN), ("member", HTTPStatus.FOUND), ("anonymous", 302)],
)
def test_only_editors_may_use_the_preview(client, who, status):
    if who == "moderator":
        client.force_login(make_staff(group="Moderators"))
    elif who == "member":
        client.force_login(make_user())

    response = client.post(PREVIEW_URL, {"body": "## Hi"})

    assert response.status_code == status
    assert b"<h2" not in response.content


def test_preview_answers_only_posts(editor_client):
    assert editor_client.get(PREVIEW_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# Pictures inside essays ------------------------------------------------------------------------

IMAGES_URL = reverse("admin:blog_post_image_upload")


def post_image(client, *, size=(1600, 900), alt="A ward at night", content=None):
    data = content if content is not None else image_bytes(size=size, exif=gps_exif())
    upload = SimpleUploadedFile("ward.jpg", data, content_type="image/jpeg")
    return client.post(IMAGES_URL, {"image": upload, "alt": alt})


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: latitude
    return exif


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_an_uploaded_image_goes_into_the_body_as_markdown_and_renders_with_a_srcset(
    editor_client, settings
):
    response = post_image(editor_client)

    assert response.status_code == HTTPStatus.CREATED
    image = EssayImage.objects.get()
    assert response.json() == {"markdown": f"![A ward at night]({image.src})"}
    assert sorted(int(w) for w in image.renditions) == [480, 800, 1200, 1600]
    for name in [image.image.name, *image.renditions.values()]:
        with default_storage.open(name) as stored:
            assert not Image.open(stored).getexif().get(0x8825)  # no location reaches readers
    post = make_post(body=f"Before.\n\n{response.json()['markdown']}\n\nAfter.")

    html = editor_client.get(post.get_absolute_url()).content.decode()

    rendition = default_storage.url(image.renditions["480"])
    assert f'srcset="{rendition} 480w, ' in html
    assert f'src="{image.src}"' in html and 'alt="A ward at night"' in html
    assert 'width="1200"' in html and 'height="675"' in html and 'loading="lazy"' in html


def test_a_narrow_image_is_offered_only_at_the_widths_it_has(editor_client):
    post_image(editor_client, size=(900, 700))

    assert sorted(int(w) for w in EssayImage.objects.get().renditions) == [480, 800, 900]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"alt": "  "}, "alt", "Describe the image"),
        ({"size": (800, 500)}, "image", "at least 600 pixels"),
        ({"content": b"not a picture"}, "image", "not an image"),
    ],
)
def test_a_bad_upload_says_why_and_stores_nothing(editor_client, settings, kwargs, field, message):
    response = post_image(editor_client, **kwargs)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in " ".join(response.json()["errors"][field])
    assert not EssayImage.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_only_editors_may_upload_images(client):
    client.force_login(make_staff(group="Moderators"))

    assert post_image(client).status_code == HTTPStatus.FORBIDDEN
    assert not EssayImage.objects.exists()


def test_essay_images_are_stored_in_the_media_bucket_when_there_is_one(editor_client, media_bucket):
    response = post_image(editor_client)

    image = EssayImage.objects.get()
    assert {image.image.name, *image.renditions.values()} <= media_bucket.keys()
    assert image.src.startswith(media_bucket.public_url)
    assert response.json()["markdown"].endswith(f"({image.src})")


def test_unknown_images_get_no_srcset_and_written_srcsets_never_pass():
    html = Post(
        body='![x](https://elsewhere.example/a.png)\n\n<img src="/a.png" srcset="javascript:x 1w">'
    ).render_body()

    assert "srcset" not in html
    assert 'src="https://elsewhere.example/a.png"' in html


# Preview of unsaved changes ---------------------------------------------------------------------

UNSAVED_URL = reverse("admin:blog_post_unsaved_preview")


def test_the_essay_form_previews_unsaved_changes_without_saving_them(editor_client):
    first, second = make_author(name="Amara Okafor"), make_author(name="Tom Reyes")
    tag = make_tag(name="Alarms")
    form = essay_form(
        title="Not saved yet",
        body="## Draft heading\n\nWords.",
        bylines=[(first, 1), (second, 0)],
        tags=[str(tag.pk)],
    )

    response = editor_client.post(UNSAVED_URL, form)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Not saved yet</h1>" in html
    assert '<h2 id="section-draft-heading">Draft heading</h2>' in html
    assert html.index("Tom Reyes") < html.index("Amara Okafor")
    assert 'rel="tag">Alarms</a>' in html
    assert "unsaved changes" in html and "noindex" in html
    assert not Post.objects.exists()


def test_the_essay_form_has_a_preview_button_that_opens_a_new_tab(editor_client):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()

    assert f'formaction="{UNSAVED_URL}" formtarget="_blank" formnovalidate' in page


def test_only_editors_may_preview_unsaved_changes(client):
    client.force_login(make_staff(group="Moderators"))

    assert client.post(UNSAVED_URL, {"title": "x"}).status_code == HTTPStatus.FORBIDDEN
