"""Writes about essays that editors trigger, shared by the admin's actions and forms."""

from django.urls import reverse
from django.utils import timezone

from accounts.photos import discard_after_commit
from blog.models import Post, Tag
from blog.redirects import redirect_set
from config.page_cache import public_pages_changed


def post_publish(*, post: Post, now=None) -> None:
    """Make an essay public now, or at its publication date if that is still to come."""
    post.status = Post.Status.PUBLISHED
    if post.published_at is None:
        post.published_at = now or timezone.now()
    post.save(update_fields=["status", "published_at", "updated_at"])
    public_pages_changed("site")


def post_unpublish(*, post: Post) -> None:
    """Take an essay back to draft: it disappears from every public page, feed and search."""
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
    public_pages_changed("site")


def post_saved(*, post: Post) -> None:
    """An editor saved an essay (text, byline, tags, settings): public pages show it at once."""
    public_pages_changed("site")


def post_featured_image_changed(*, old_image: str) -> None:
    """Drop the replaced or removed featured image once the change is committed."""
    discard_after_commit(old_image)


def post_delete(*, post: Post) -> None:
    """Delete an essay; its featured image goes once the deletion is committed."""
    image = post.featured_image.name
    post.delete()
    discard_after_commit(image)
    public_pages_changed("site")


def tag_saved(*, tag: Tag) -> None:
    """A tag renamed or created: the pages naming it show the change at once."""
    public_pages_changed("site")


def tag_delete(*, tag: Tag) -> None:
    """Delete a tag; the essays that carried it no longer show it."""
    tag.delete()
    public_pages_changed("site")


def post_slug_changed(*, post: Post, old_slug: str) -> None:
    """The essay's former address answers 301 to wherever the essay lives now."""
    # Pointing at the essay, not at a path, keeps a chain of renames one hop long.
    old_path = reverse("blog:post_detail", kwargs={"slug": old_slug})
    redirect_set(old_path=old_path, post=post, source="slug change")
