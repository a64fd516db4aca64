import struct
import zlib
from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Author
from tests.factories import author_form, image_bytes, make_author, make_post, make_staff

pytestmark = pytest.mark.django_db

CHANGE_FORM = author_form(credentials="CCE")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (as a decompression bomb does)."""
    data = bytearray(image_bytes(size=(1, 1), image_format="PNG"))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo: latitude
    return exif


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff(group="Editors"))
    return client


def upload(editor_client, author, content, name="photo.jpg"):
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return editor_client.post(
        reverse("admin:accounts_author_change", args=[author.pk]),
        {**CHANGE_FORM, "photo": photo},
    )


def test_a_good_photo_is_stored_without_exif_and_cut_into_square_renditions(
    editor_client, django_capture_on_commit_callbacks
):
    author = make_author(name="Amara Okafor", slug="amara-okafor")
    content = image_bytes(size=(600, 400), exif=gps_exif())
    assert Image.open(BytesIO(content)).getexif()  # the upload does carry EXIF and GPS

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, author, content)

    assert response.status_code == HTTPStatus.FOUND
    author.refresh_from_db()
    with author.photo.open("rb") as stored:
        image = Image.open(stored)
        assert image.size == (600, 400)
        assert not image.getexif()
        assert "exif" not in image.info
    assert set(author.photo_renditions) == {"48", "96", "120", "240"}
    with author.photo.storage.open(author.photo_renditions["240"]) as rendition:
        assert Image.open(rendition).size == (240, 240)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not really", "not an image that can be read"),
        (b"%PDF-1.7 a document", "not an image that can be read"),
        (image_bytes(size=(300, 300), image_format="GIF"), "Upload a JPEG, PNG or WebP photo"),
        (image_bytes(size=(100, 100)), "needs at least 240 pixels on each side"),
        (png_claiming(8000, 6000), "the most accepted is 40 megapixels"),
        (png_claiming(30000, 30000), "cannot be opened safely"),
    ],
    ids=["gif-header", "pdf", "gif", "tiny", "too-many-pixels", "decompression-bomb"],
)
def test_a_bad_photo_gets_a_clear_message_and_nothing_is_stored(editor_client, content, message):
    author = make_author(name="Amara Okafor", slug="amara-okafor")

    response = upload(editor_client, author, content)

    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    author.refresh_from_db()
    assert not author.photo and author.photo_renditions == {}


def test_a_photo_over_five_megabytes_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr("accounts.photos.MAX_BYTES", 1000)
    author = make_author()

    response = upload(editor_client, author, image_bytes(size=(400, 400)))

    assert "the largest accepted is 1000\xa0bytes" in response.content.decode()


def test_essay_byline_and_bio_box_show_renditions_with_size_and_srcset(
    client, editor_client, django_capture_on_commit_callbacks
):
    author = make_author(name="Amara Okafor", slug="amara-okafor")
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, author, image_bytes(size=(500, 500)))
    author = Author.objects.get(pk=author.pk)
    post = make_post(authors=[author])

    body = client.get(post.get_absolute_url()).content.decode()

    byline, bio = author.photo_at(48), author.photo_at(120)
    assert f'src="{byline["src"]}" srcset="{byline["srcset"]}" width="48" height="48"' in body
    assert f'src="{bio["src"]}" srcset="{bio["srcset"]}" width="120" height="120"' in body
    assert " 2x" in bio["srcset"]


def test_clearing_the_photo_removes_its_renditions(
    editor_client, django_capture_on_commit_callbacks
):
    author = make_author(name="Amara Okafor", slug="amara-okafor")
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, author, image_bytes(size=(500, 500)))
    author.refresh_from_db()
    old = author.photo_renditions["96"]

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:accounts_author_change", args=[author.pk]),
            {**CHANGE_FORM, "photo-clear": "on"},
        )

    author.refresh_from_db()
    assert not author.photo and author.photo_renditions == {}
    assert not author.photo.storage.exists(old)


def test_social_links_must_be_web_addresses(editor_client):
    author = make_author()

    response = editor_client.post(
        reverse("admin:accounts_author_change", args=[author.pk]),
        {**CHANGE_FORM, "social_links": "https://mastodon.example/@amara\nnot a link"},
    )

    assert "“not a link” is not a web address" in response.content.decode()
