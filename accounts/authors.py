"""Writes about author bios that span files and rows: the photo's square renditions."""

from uuid import uuid4

from django.core.files.storage import default_storage
from django.db import transaction
from django.tasks import task

from accounts.models import Author
from accounts.photos import discard_after_commit, square_renditions
from config.page_cache import public_pages_changed


def author_photo_render(*, author: Author) -> None:
    """Replace the author's square renditions with fresh ones cut from the current photo."""
    old = list(author.photo_renditions.values())
    renditions = {}
    if author.photo:
        stem = f"authors/renditions/{author.pk}-{uuid4().hex[:8]}"
        with author.photo.open("rb") as photo:
            for size, content in square_renditions(photo).items():
                renditions[str(size)] = default_storage.save(f"{stem}-{size}.jpg", content)
    Author.objects.filter(pk=author.pk).update(photo_renditions=renditions)
    author.photo_renditions = renditions
    public_pages_changed("site")
    for name in old:
        default_storage.delete(name)


@task
def render_author_photo(author_id: int) -> None:
    author = Author.objects.filter(pk=author_id).first()
    if author is not None:
        author_photo_render(author=author)


def author_saved(*, author: Author) -> None:
    """An editor saved a bio (name, credentials, text): every page with its byline shows it."""
    public_pages_changed("site")


def author_photo_changed(*, author: Author, old_photo: str = "") -> None:
    """Once the new photo (or its removal) is committed: drop the old one, queue renditions."""
    discard_after_commit(old_photo)
    transaction.on_commit(lambda: render_author_photo.enqueue(author.pk))


def author_delete(*, author: Author) -> None:
    """Delete an author bio; its photo and renditions go once the deletion is committed."""
    files = [author.photo.name, *author.photo_renditions.values()]
    author.delete()
    discard_after_commit(*files)
    public_pages_changed("site")
