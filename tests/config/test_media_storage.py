"""Media on the local disk or in an S3-compatible bucket (moto's S3 server on loopback).

Each flow runs against both stores: what an editor uploads through the admin is stored, the
public pages link to it where it can be fetched, and replacing or deleting it leaves no orphans.
"""

import urllib.request
from http import HTTPStatus
from urllib.error import HTTPError

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Author
from blog.models import Post
from config.settings import MEDIA_CACHE_CONTROL, media_origin, media_storage
from tests.config.test_settings import REAL_LOOKING_KEY, run_manage
from tests.factories import author_form, image_bytes, make_author, make_post, make_staff

pytestmark = pytest.mark.django_db

AUTHOR_FORM = author_form(bio="Writes about alarms.")


class LocalDisk:
    """The stored files as the local disk holds them, and fetched through the site's media view."""

    def __init__(self, settings, client):
        self.root, self.client = settings.MEDIA_ROOT, client

    def keys(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def public_url(self, name: str) -> str:
        return f"/media/{name}"

    def fetch(self, url: str) -> tuple[int, str, bytes]:
        response = self.client.get(url)
        return response.status_code, response.get("Cache-Control", ""), b"".join(response)


class InBucket:
    """The stored files as the bucket lists them, and fetched anonymously from its public URL."""

    def __init__(self, bucket):
        self.bucket = bucket

    def keys(self) -> set[str]:
        return self.bucket.keys()

    def public_url(self, name: str) -> str:
        return f"{self.bucket.public_url}/{name}"

    def fetch(self, url: str) -> tuple[int, str, bytes]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.headers["Cache-Control"], response.read()
        except HTTPError as error:
            return error.code, "", b""


@pytest.fixture(params=["local disk", "bucket"])
def store(request, settings):
    if request.param == "bucket":
        return InBucket(request.getfixturevalue("media_bucket"))
    return LocalDisk(settings, request.getfixturevalue("client"))


@pytest.fixture
def editor_client(client, store):
    # Depends on `store` so that the storage is chosen before anything is uploaded.
    client.force_login(make_staff(group="Editors"))
    return client


def upload_photo(editor_client, author, *, size=(500, 500)):
    photo = SimpleUploadedFile("portrait.jpg", image_bytes(size=size), content_type="image/jpeg")
    response = editor_client.post(
        reverse("admin:accounts_author_change", args=[author.pk]), {**AUTHOR_FORM, "photo": photo}
    )
    assert response.status_code == HTTPStatus.FOUND
    return Author.objects.get(pk=author.pk)


def photo_files(author) -> set[str]:
    return {author.photo.name, *author.photo_renditions.values()}


@pytest.fixture
def author_with_photo(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author = upload_photo(editor_client, make_author(name="Amara Okafor"))
    return Author.objects.get(pk=author.pk)  # with the renditions made after the commit


def test_an_uploaded_photo_and_its_renditions_are_stored_and_shown_from_the_store(
    client, store, author_with_photo
):
    author = author_with_photo
    post = make_post(authors=[author])
    assert store.keys() == photo_files(author)
    assert len(author.photo_renditions) == 4

    essay = client.get(post.get_absolute_url()).content.decode()
    author_page = client.get(author.get_absolute_url()).content.decode()

    byline = store.public_url(author.photo_renditions["48"])
    sharp_bio = store.public_url(author.photo_renditions["240"])
    assert f'src="{byline}"' in essay and f"{sharp_bio} 2x" in essay
    assert f"{sharp_bio} 2x" in author_page
    status, cache_control, body = store.fetch(sharp_bio)
    assert status == HTTPStatus.OK and body.startswith(b"\xff\xd8")  # a JPEG
    assert cache_control == MEDIA_CACHE_CONTROL


def test_a_replacement_photo_takes_the_place_of_the_old_files(
    client, editor_client, store, author_with_photo, django_capture_on_commit_callbacks
):
    old = author_with_photo
    make_post(authors=[old])  # an author page lists the author's essays
    old_rendition_url = store.public_url(old.photo_renditions["120"])

    with django_capture_on_commit_callbacks(execute=True):
        upload_photo(editor_client, old, size=(640, 480))
    new = Author.objects.get(pk=old.pk)

    assert store.keys() == photo_files(new)
    assert not photo_files(old) & photo_files(new)
    assert store.fetch(old_rendition_url)[0] == HTTPStatus.NOT_FOUND
    author_page = client.get(new.get_absolute_url()).content.decode()
    assert store.public_url(new.photo_renditions["120"]) in author_page


def test_clearing_the_photo_removes_the_original_and_its_renditions(
    editor_client, store, author_with_photo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:accounts_author_change", args=[author_with_photo.pk]),
            {**AUTHOR_FORM, "photo-clear": "on"},
        )

    assert store.keys() == set()


def test_deleting_an_author_removes_their_photo_and_renditions(
    editor_client, store, author_with_photo, django_capture_on_commit_callbacks
):
    delete_url = reverse("admin:accounts_author_delete", args=[author_with_photo.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(delete_url, {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not Author.objects.exists()
    assert store.keys() == set()


def essay_form(post, **fields):
    """The admin's change form for `post` as an editor submits it, byline unchanged."""
    byline = post.bylines.get()
    return {
        "title": post.title,
        "slug": post.slug,
        "dek": "",
        "body": post.body,
        "status": "published",
        "published_at_0": post.published_at.strftime("%Y-%m-%d"),
        "published_at_1": post.published_at.strftime("%H:%M:%S"),
        "comment_mode": "open",
        "comments_close_after_days": "30",
        "featured_image_alt": "A ward at night",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "1",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-id": str(byline.pk),
        "bylines-0-post": str(post.pk),
        "bylines-0-author": str(byline.author_id),
        "bylines-0-position": "0",
        **fields,
    }


def upload_featured_image(editor_client, post, *, color=(40, 90, 160)):
    image = SimpleUploadedFile("ward.jpg", image_bytes(size=(1200, 800), color=color))
    response = editor_client.post(
        reverse("admin:blog_post_change", args=[post.pk]),
        essay_form(post, featured_image=image),
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    return Post.objects.get(pk=post.pk)


def test_a_featured_image_is_stored_shown_and_replaced_without_leaving_the_old_one(
    client, editor_client, store, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = upload_featured_image(editor_client, make_post())
    first_url = store.public_url(first.featured_image.name)
    page = client.get(first.get_absolute_url()).content.decode()
    assert store.keys() == {first.featured_image.name}
    assert f'<img src="{first_url}" alt="A ward at night" width="1200" height="800">' in page
    # Link previews need an absolute address: SITE_URL's for local files, else the bucket's.
    absolute = first_url if first_url.startswith("http") else f"{settings.SITE_URL}{first_url}"
    assert f'<meta property="og:image" content="{absolute}">' in page
    assert store.fetch(first_url)[0] == HTTPStatus.OK

    with django_capture_on_commit_callbacks(execute=True):
        second = upload_featured_image(editor_client, first, color=(200, 40, 40))

    assert store.keys() == {second.featured_image.name} != {first.featured_image.name}
    assert store.fetch(first_url)[0] == HTTPStatus.NOT_FOUND


def test_deleting_essays_removes_their_featured_images(
    editor_client, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posts = [upload_featured_image(editor_client, make_post()) for _ in range(2)]
    assert len(store.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:blog_post_changelist"),
            {"action": "delete_selected", "_selected_action": [p.pk for p in posts], "post": "yes"},
        )

    assert response.status_code == HTTPStatus.FOUND
    assert not Post.objects.exists()
    assert store.keys() == set()


def test_pages_that_show_media_never_ask_the_bucket(
    client, media_bucket, settings, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(group="Editors"))
    with django_capture_on_commit_callbacks(execute=True):
        author = upload_photo(client, make_author())
        post = upload_featured_image(client, make_post(authors=[author]))
    client.logout()
    # The same public address, but the bucket's API now unreachable (nothing listens on port 1).
    monkeypatch.setenv("MEDIA_S3_PUBLIC_URL", media_bucket.public_url)
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://127.0.0.1:1")
    settings.STORAGES = {**settings.STORAGES, "default": media_storage()}

    essay = client.get(post.get_absolute_url())

    assert essay.status_code == HTTPStatus.OK
    assert f'src="{media_bucket.public_url}/{post.featured_image.name}"' in essay.content.decode()


# Settings ------------------------------------------------------------------------------------

BUCKET_ENVIRONMENT = {
    "MEDIA_S3_BUCKET": "association-media",
    "MEDIA_S3_REGION": "eu-west-2",
    "MEDIA_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "MEDIA_S3_SECRET_ACCESS_KEY": "example-secret",
}


def test_without_a_bucket_media_stay_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("MEDIA_S3_BUCKET", raising=False)

    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"MEDIA_S3_REGION": ""}, "also set MEDIA_S3_REGION"),
        (
            {"MEDIA_S3_ACCESS_KEY_ID": "", "MEDIA_S3_SECRET_ACCESS_KEY": ""},
            "also set MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY",
        ),
        ({"MEDIA_S3_ENDPOINT_URL": "minio:9000"}, "MEDIA_S3_ENDPOINT_URL must be an http(s)"),
        ({"MEDIA_S3_PUBLIC_URL": "media.example.org"}, "MEDIA_S3_PUBLIC_URL must be an http(s)"),
    ],
    ids=["no-region", "no-keys", "endpoint-without-scheme", "public-url-without-scheme"],
)
def test_a_bucket_with_missing_or_bad_settings_is_refused_with_a_clear_message(
    monkeypatch, overrides, message
):
    for name, value in {**BUCKET_ENVIRONMENT, **overrides}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        media_storage()


def test_the_site_refuses_to_start_with_a_bucket_but_no_secret_key():
    environment = {**BUCKET_ENVIRONMENT, "MEDIA_S3_SECRET_ACCESS_KEY": ""}

    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "true", **environment})

    assert result.returncode != 0
    assert "also set MEDIA_S3_SECRET_ACCESS_KEY" in result.stderr


@pytest.mark.parametrize(
    ("environment", "url", "origin"),
    [
        (
            {},
            "https://association-media.s3.eu-west-2.amazonaws.com/authors/a.jpg",
            "https://association-media.s3.eu-west-2.amazonaws.com",
        ),
        (
            {"MEDIA_S3_ENDPOINT_URL": "https://objects.example.net"},
            "https://objects.example.net/association-media/authors/a.jpg",
            "https://objects.example.net",
        ),
        (
            {"MEDIA_S3_PUBLIC_URL": "https://media.example.org/blog/"},
            "https://media.example.org/blog/authors/a.jpg",
            "https://media.example.org",
        ),
    ],
    ids=["aws", "other-service", "cdn"],
)
def test_pages_link_media_at_the_public_address_without_signatures(
    monkeypatch, environment, url, origin
):
    for name, value in {**BUCKET_ENVIRONMENT, **environment}.items():
        monkeypatch.setenv(name, value)

    config = media_storage()

    assert storages.create_storage(config).url("authors/a.jpg") == url
    assert media_origin(config) == origin


PROBE = """
from django.core.files.storage import default_storage
from django.urls import NoReverseMatch, reverse
try:
    print("media view at", reverse("media", args=["a.jpg"]))
except NoReverseMatch:
    print("no media view")
print(default_storage.url("authors/a.jpg"))
"""


def test_with_a_bucket_the_site_has_no_local_media_view():
    production = {"DJANGO_SECRET_KEY": REAL_LOOKING_KEY, "DJANGO_ALLOWED_HOSTS": "blog.example.org"}
    environment = {**production, **BUCKET_ENVIRONMENT}

    result = run_manage("shell", "-v", "0", "-c", PROBE, env_overrides=environment)

    assert result.stdout.splitlines() == [
        "no media view",
        "https://association-media.s3.eu-west-2.amazonaws.com/authors/a.jpg",
    ], result.stderr
