"""Members' avatars: the one rule for what stands beside a name, and the local copy of the picture
a member's sign-in provider gives.

The rule (`avatar_for`): the member's picture as stored on this site, else their initials on a
colour of their own (one of AVATAR_TONES, from their account, so the same on every page). Every
page asks it: the comment card, the "commenting as" block, the account page, the admin. Pages
never link to the provider's copy: that would tell the provider who reads which essay, and make
the site's look depend on another host.

The copy: at sign-in, and when the provider's picture address changes, a background task fetches
the picture (accounts.picture_fetch: allow-listed hosts, public addresses, byte and time limits),
checks it with Pillow (accounts.photos: a real image of an allowed type, not a decompression
bomb; the first frame of an animation; metadata dropped), and stores square crops through the
storage API. New files are stored before the member's row points at them; the old ones go once
that change commits. Whatever fails keeps the initials, logs one line and stores nothing.
"""

import logging
import zlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task

from accounts.photos import clean_photo, discard_after_commit, square_renditions
from accounts.picture_fetch import PictureFetchError, fetch_picture
from config.page_cache import public_pages_changed

logger = logging.getLogger(__name__)

AVATAR_TONES = 8
# The comment card shows 40 px (32 for replies) and "commenting as" 48: the small square serves
# both on sharp screens too. The account page shows 96 px, with the large one for sharp screens.
SMALL_SIZE, LARGE_SIZE = 96, 192
# Provider pictures are small (X's are 48 px): anything from 16 px up is worth showing.
MIN_EDGE = 16
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Pictures to be shown at 192 px at most: 16 megapixels is far beyond any provider's, and bounds
# what one fetch may make the worker decode.
MAX_PIXELS = 4096 * 4096


@lru_cache(maxsize=4096)  # asked once per commenter of every thread rendered
def initials(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


@lru_cache(maxsize=4096)
def avatar_tone(key) -> int:
    """A stable colour (one of AVATAR_TONES) for a generated avatar."""
    return zlib.crc32(str(key).encode()) % AVATAR_TONES


@dataclass(frozen=True, slots=True)
class Avatar:
    """What templates/accounts/_avatar.html shows: `src` (and `srcset`) when there is a picture,
    else `initials` on colour `tone`."""

    src: str
    srcset: str
    initials: str
    tone: int


def avatar_for(*, key, name: str, picture: str = "", picture_large: str = "") -> Avatar:
    """The avatar of a member (`key`: their id) or of a guest without an account (`key`: the name),
    from the storage names of their picture's squares, if any."""
    src = default_storage.url(picture) if picture else ""
    srcset = f"{src} 1x, {default_storage.url(picture_large)} 2x" if src and picture_large else ""
    return Avatar(src=src, srcset=srcset, initials=initials(name), tone=avatar_tone(key))


def avatar_squares(data: bytes) -> dict[int, ContentFile]:
    """The picture's square crops by edge length, or ValidationError if it is no safe image."""
    cleaned = clean_photo(
        ContentFile(data), min_edge=MIN_EDGE, formats=FORMATS, max_pixels=MAX_PIXELS
    )
    return square_renditions(cleaned, sizes=(SMALL_SIZE, LARGE_SIZE))


def avatar_fetch(*, user_id: int, source_url: str) -> bool:
    """Fetch the member's picture from `source_url` and make it their avatar; False (one line
    logged, nothing stored) when it cannot be had safely or is no longer their picture."""
    from accounts.models import User

    host = urlsplit(source_url).hostname or source_url[:80]
    try:
        squares = avatar_squares(fetch_picture(source_url))
    except (PictureFetchError, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
        logger.warning("avatar of member %s not taken from %s: %s", user_id, host, reason)
        _drop_replaced(user_id=user_id, source_url=source_url)
        return False
    stem = f"avatars/{uuid4().hex}"
    stored = []
    try:
        for size, square in squares.items():
            stored.append(default_storage.save(f"{stem}-{size}.jpg", square))
    except Exception as error:  # the storage (a bucket) is away: keep nothing half-stored
        logger.warning(
            "avatar of member %s not stored: %s: %s", user_id, type(error).__name__, error
        )
        for name in stored:
            default_storage.delete(name)
        return False
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=user_id, provider_picture_url=source_url)
            .first()
        )
        if user is None:
            # The member left, or signed in with a new picture meanwhile (its own task stores it):
            # nothing points at the new files.
            for name in stored:
                default_storage.delete(name)
            logger.info("avatar of member %s from %s no longer wanted", user_id, host)
            return False
        discard_after_commit(user.picture_small, user.picture_large)
        user.picture_small, user.picture_large = stored
        user.save(update_fields=["picture_small", "picture_large"])
        public_pages_changed("site")  # the picture beside the member's comments
    return True


def _drop_replaced(*, user_id: int, source_url: str) -> None:
    """A copy of the picture the member has since replaced is not shown in its place: initials."""
    from accounts.models import User

    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=user_id, provider_picture_url=source_url)
            .first()
        )
        if user is not None and (changed := avatar_drop(user=user)):
            user.save(update_fields=changed)
            public_pages_changed("site")


@task
def fetch_avatar(user_id: int, source_url: str) -> None:
    avatar_fetch(user_id=user_id, source_url=source_url)


def avatar_fetch_later(*, user) -> None:
    """Queue the fetch of the member's current provider picture, once their row is committed;
    sign-in goes on without waiting for the provider."""
    user_id, source_url = user.pk, user.provider_picture_url
    transaction.on_commit(lambda: fetch_avatar.enqueue(user_id, source_url))


def avatar_drop(*, user) -> list[str]:
    """Forget the member's stored picture (the files go once the change commits); the fields
    changed, for the caller's save()."""
    if not (user.picture_small or user.picture_large):
        return []
    discard_after_commit(user.picture_small, user.picture_large)
    user.picture_small = user.picture_large = ""
    return ["picture_small", "picture_large"]
