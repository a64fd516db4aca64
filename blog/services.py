"""Writes about essays that editors trigger, shared by the admin's actions and forms."""

from django.utils import timezone

from blog.models import Post


def post_publish(*, post: Post, now=None) -> None:
    """Make an essay public now, or at its publication date if that is still to come."""
    post.status = Post.Status.PUBLISHED
    if post.published_at is None:
        post.published_at = now or timezone.now()
    post.save(update_fields=["status", "published_at", "updated_at"])


def post_unpublish(*, post: Post) -> None:
    """Take an essay back to draft: it disappears from every public page, feed and search."""
    post.status = Post.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
