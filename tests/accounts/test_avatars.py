"""Local avatars: the provider's picture is fetched in the background from an allow-listed host on
loopback (a real http.server), checked, cut square and stored in media; pages show only that copy
or the initials, never the provider's address."""

import logging
import struct
import zlib
from http import HTTPStatus
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts.avatars import avatar_fetch
from accounts.models import User
from accounts.picture_fetch import is_allowed_origin
from accounts.services import user_delete, user_export
from config.csp import provider_origins
from tests.accounts.test_sign_in import ELENA, sign_in_with_sso, signed_in_user
from tests.conftest import SSO_SERVER_URL
from tests.factories import image_bytes, make_comment, make_post, make_user
from tests.servers import PictureAnswer

pytestmark = pytest.mark.django_db


def media_files(settings) -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "avatars"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def claimed_dimensions(png: bytes, width: int, height: int) -> bytes:
    """The PNG with a header claiming other dimensions (its pixels stay few): a decompression
    bomb's shape, without the memory."""
    header = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:]


def member_with_picture(picture_host, path="/a.jpg", **fields) -> User:
    return make_user(display_name="Grace Hopper", provider_picture_url=picture_host.url(path))


def test_sign_in_stores_a_resized_local_picture_and_pages_show_it_from_media(
    client, sso, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/elena.jpg"] = PictureAnswer(body=image_bytes(size=(640, 480)))
    post = make_post()
    claims = {**ELENA, "picture": picture_host.url("/elena.jpg")}

    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, claims)
    member = signed_in_user(client)
    make_comment(post=post, author=member, body="Hello")
    essay = client.get(post.get_absolute_url()).text
    account = client.get(reverse("accounts:account")).text

    assert picture_host.hits == ["/elena.jpg"]
    assert member.picture_small.startswith("avatars/") and member.picture_large
    for name, size in ((member.picture_small, 96), (member.picture_large, 192)):
        with Image.open(Path(settings.MEDIA_ROOT) / name) as stored:
            assert (stored.format, stored.size) == ("JPEG", (size, size))
    assert f'src="/media/{member.picture_small}"' in essay
    assert f'srcset="/media/{member.picture_small} 1x, /media/{member.picture_large} 2x"' in account
    assert picture_host.origin not in essay and picture_host.origin not in account


def test_the_stored_picture_keeps_no_metadata(picture_host, settings):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    exif[0x010E] = "Taken at 51.5 N, 0.1 W"  # image description
    picture_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes(size=(300, 300), exif=exif))
    member = member_with_picture(picture_host)

    assert avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)

    member.refresh_from_db()
    with Image.open(Path(settings.MEDIA_ROOT) / member.picture_large) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_an_animated_picture_is_stored_as_its_first_frame(picture_host, settings):
    frames = [Image.new("RGB", (120, 120), colour) for colour in ((200, 0, 0), (0, 0, 200))]
    animation = BytesIO()
    frames[0].save(animation, format="GIF", save_all=True, append_images=frames[1:])
    picture_host.routes["/a.jpg"] = PictureAnswer(body=animation.getvalue())
    member = member_with_picture(picture_host)

    assert avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)

    member.refresh_from_db()
    with Image.open(Path(settings.MEDIA_ROOT) / member.picture_small) as stored:
        red, _green, blue = stored.convert("RGB").getpixel((48, 48))
    assert red > 150 and blue < 60


def jpeg_cut_in_half() -> bytes:
    whole = image_bytes(size=(400, 400))
    return whole[: len(whole) // 2]


HOSTILE = {
    "not an image": lambda host, other: PictureAnswer(body=b"<html>hello</html>"),
    "truncated image": lambda host, other: PictureAnswer(body=jpeg_cut_in_half()),
    "huge dimensions (bomb)": lambda host, other: PictureAnswer(
        body=claimed_dimensions(image_bytes(size=(64, 64), image_format="PNG"), 60_000, 60_000),
        headers={"Content-Type": "image/png"},
    ),
    "more pixels than an avatar needs": lambda host, other: PictureAnswer(
        body=claimed_dimensions(image_bytes(size=(64, 64), image_format="PNG"), 5000, 5000),
        headers={"Content-Type": "image/png"},
    ),
    "over the byte cap, no length given": lambda host, other: PictureAnswer(
        body=b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024), declare_length=False
    ),
    "over the byte cap, length given": lambda host, other: PictureAnswer(
        body=b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024)
    ),
    "slow server": lambda host, other: PictureAnswer(body=image_bytes(), delay=2),
    "svg, not an allowed format": lambda host, other: PictureAnswer(
        body=b'<svg xmlns="http://www.w3.org/2000/svg"/>', headers={"Content-Type": "image/svg"}
    ),
    "redirect to a host off the allow-list": lambda host, other: PictureAnswer(
        status=302, headers={"Location": other.url("/a.jpg")}
    ),
    "an error page": lambda host, other: PictureAnswer(status=500, body=b"oops"),
}


@pytest.mark.parametrize("answer", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_failed_or_hostile_fetch_keeps_the_initials_logs_one_line_and_stores_nothing(
    client, picture_host, other_host, settings, caplog, answer
):
    other_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    picture_host.routes["/a.jpg"] = answer(picture_host, other_host)
    member = member_with_picture(picture_host)
    post = make_post()
    make_comment(post=post, author=member)

    with caplog.at_level(logging.INFO, logger="accounts"):
        stored = avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)

    member.refresh_from_db()
    assert not stored
    assert (member.picture_small, member.picture_large) == ("", "")
    assert media_files(settings) == set()
    assert other_host.hits == []
    assert len(caplog.records) == 1 and "not taken from 127.0.0.1" in caplog.text
    assert ">GH</span>" in client.get(post.get_absolute_url()).text


@pytest.mark.parametrize(
    "source",
    ["other host", "internal address", "plain http in production"],
)
def test_nothing_is_asked_of_a_host_off_the_allow_list_or_at_an_internal_address(
    picture_host, other_host, settings, caplog, source
):
    for server in (picture_host, other_host):
        server.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    if source == "other host":
        url = other_host.url("/a.jpg")
    elif source == "internal address":
        # Listed, but loopback is not allowed outside tests: the name resolves to 127.0.0.1.
        settings.AVATAR_SOURCE_ORIGINS = [f"https://localhost:{picture_host.port}"]
        settings.AVATAR_FETCH_LOOPBACK = False
        url = f"https://localhost:{picture_host.port}/a.jpg"
    else:
        settings.AVATAR_FETCH_LOOPBACK = False
        url = picture_host.url("/a.jpg")
    member = make_user(provider_picture_url=url)

    with caplog.at_level(logging.WARNING, logger="accounts"):
        assert not avatar_fetch(user_id=member.pk, source_url=url)

    assert picture_host.hits == other_host.hits == []
    assert media_files(settings) == set()
    assert len(caplog.records) == 1


def test_a_changed_picture_replaces_the_old_file_and_leaves_no_orphan(
    client, sso, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/v1.jpg"] = PictureAnswer(body=image_bytes(color=(200, 30, 30)))
    picture_host.routes["/v2.jpg"] = PictureAnswer(body=image_bytes(color=(30, 30, 200)))
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {**ELENA, "picture": picture_host.url("/v1.jpg")})
    member = signed_in_user(client)
    first = {member.picture_small, member.picture_large}
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {**ELENA, "picture": picture_host.url("/v2.jpg")})

    member.refresh_from_db()
    assert picture_host.hits == ["/v1.jpg", "/v2.jpg"]
    assert {member.picture_small, member.picture_large}.isdisjoint(first)
    assert {f"avatars/{name}" for name in media_files(settings)} == {
        member.picture_small,
        member.picture_large,
    }


def test_a_new_picture_that_cannot_be_fetched_leaves_initials_not_the_replaced_picture(
    client, sso, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/v1.jpg"] = PictureAnswer(body=image_bytes())
    picture_host.routes["/v2.jpg"] = PictureAnswer(body=b"not a picture")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {**ELENA, "picture": picture_host.url("/v1.jpg")})
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {**ELENA, "picture": picture_host.url("/v2.jpg")})

    member = signed_in_user(client)
    assert (member.picture_small, member.picture_large) == ("", "")
    assert media_files(settings) == set()
    assert ">ER</span>" in client.get(reverse("accounts:account")).text


def test_a_returning_member_with_the_same_picture_is_not_fetched_again(
    client, sso, picture_host, django_capture_on_commit_callbacks
):
    picture_host.routes["/v1.jpg"] = PictureAnswer(body=image_bytes())
    claims = {**ELENA, "picture": picture_host.url("/v1.jpg")}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sign_in_with_sso(client, sso, claims)
        client.logout()

    assert picture_host.hits == ["/v1.jpg"]


def test_a_member_whose_provider_drops_the_picture_goes_back_to_initials(
    client, sso, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/v1.jpg"] = PictureAnswer(body=image_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {**ELENA, "picture": picture_host.url("/v1.jpg")})
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        sign_in_with_sso(client, sso, {key: v for key, v in ELENA.items() if key != "picture"})

    member = signed_in_user(client)
    assert (member.picture_small, member.provider_picture_url) == ("", "")
    assert media_files(settings) == set()


def test_a_fetch_finishing_after_the_picture_changed_again_stores_nothing(picture_host, settings):
    picture_host.routes["/v1.jpg"] = PictureAnswer(body=image_bytes())
    member = member_with_picture(picture_host, "/v1.jpg")
    User.objects.filter(pk=member.pk).update(provider_picture_url=picture_host.url("/v2.jpg"))

    assert not avatar_fetch(user_id=member.pk, source_url=picture_host.url("/v1.jpg"))
    assert media_files(settings) == set()


def test_the_export_gives_the_stored_picture_and_erasure_deletes_it(
    picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    member = member_with_picture(picture_host)
    avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)
    member.refresh_from_db()
    picture = member.picture_small

    export = user_export(user=member)
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=member)

    assert export["profile"]["picture"] == f"{settings.SITE_URL}/media/{picture}"
    assert export["profile"]["provider_picture_url"] == picture_host.url("/a.jpg")
    assert media_files(settings) == set()


def test_the_card_the_account_page_and_commenting_as_show_the_same_initials_and_tone(client):
    member = make_user(display_name="Grace Hopper")
    post = make_post()
    make_comment(post=post, author=member)
    client.force_login(member)

    essay = client.get(post.get_absolute_url()).text
    account = client.get(reverse("accounts:account")).text

    tone = f"avatar--tone{member.avatar.tone}"
    assert essay.count(f'<span class="avatar {tone}" aria-hidden="true">GH</span>') == 1  # card
    assert f'<span class="avatar {tone} avatar--medium" aria-hidden="true">GH</span>' in essay
    assert f'<span class="avatar {tone} avatar--large" aria-hidden="true">GH</span>' in account


def test_the_admin_shows_the_avatar_as_pages_do(admin_client, picture_host):
    member = make_user(display_name="Grace Hopper", picture_small="avatars/g-96.jpg")

    page = admin_client.get(reverse("admin:accounts_user_change", args=[member.pk])).text

    assert 'src="/media/avatars/g-96.jpg"' in page


def test_the_command_fetches_the_pictures_of_members_from_before_local_avatars(
    picture_host, settings
):
    picture_host.routes["/old.jpg"] = PictureAnswer(body=image_bytes())
    waiting = member_with_picture(picture_host, "/old.jpg")
    make_user(provider_picture_url="")  # nothing to fetch
    out = StringIO()

    call_command("fetch_avatars", stdout=out)

    waiting.refresh_from_db()
    assert "Queued 1 picture fetch(es)." in out.getvalue()
    assert picture_host.hits == ["/old.jpg"]
    assert waiting.picture_small.startswith("avatars/")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://lh3.googleusercontent.com/a/x=s96-c", True),
        ("https://googleusercontent.com/a", False),  # "*." names the hosts under it
        ("https://evilgoogleusercontent.com/a", False),
        ("https://lh3.googleusercontent.com.evil.example/a", False),
        ("http://lh3.googleusercontent.com/a", False),
        ("https://lh3.googleusercontent.com:8443/a", False),
        ("https://avatars.githubusercontent.com/u/1?v=4", True),
        ("https://x.avatars.githubusercontent.com/u/1", False),
        ("https://user@avatars.githubusercontent.com/u/1", True),  # refused later: credentials
    ],
)
def test_the_allow_list_names_hosts_exactly_or_the_hosts_under_a_wildcard(settings, url, allowed):
    settings.AVATAR_SOURCE_ORIGINS = [
        "https://*.googleusercontent.com",
        "https://avatars.githubusercontent.com",
    ]

    assert is_allowed_origin(url) is allowed


def test_the_allow_list_is_the_configured_providers_picture_hosts(social_providers_configured):
    _sign_in, pictures = provider_origins(social_providers_configured)

    assert "https://*.googleusercontent.com" in pictures
    assert "https://avatars.githubusercontent.com" in pictures
    assert SSO_SERVER_URL in pictures  # the association's own provider serves its pictures


def test_the_picture_goes_to_the_media_bucket_when_there_is_one(picture_host, media_bucket):
    picture_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    member = member_with_picture(picture_host)

    assert avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)

    member.refresh_from_db()
    assert media_bucket.keys() == {member.picture_small, member.picture_large}
    assert member.avatar.src == f"{media_bucket.public_url}/{member.picture_small}"


def test_deleting_a_member_in_the_admin_erases_as_their_own_deletion_does(
    admin_client, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    member = member_with_picture(picture_host)
    avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)
    member.refresh_from_db()
    assert media_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=member.pk).exists()
    assert media_files(settings) == set()


def test_deleting_members_from_the_admin_list_erases_each(
    admin_client, picture_host, settings, django_capture_on_commit_callbacks
):
    picture_host.routes["/a.jpg"] = PictureAnswer(body=image_bytes())
    members = [member_with_picture(picture_host) for _ in range(2)]
    for member in members:
        avatar_fetch(user_id=member.pk, source_url=member.provider_picture_url)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:accounts_user_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [m.pk for m in members],
                "post": "yes",
            },
        )

    assert not User.objects.filter(pk__in=[m.pk for m in members]).exists()
    assert media_files(settings) == set()
