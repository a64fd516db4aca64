"""The essay's lock and its public comment count: every write under an essay takes the lock, so
counts and checks see each other, and refreshes the stored count (marking the essay's cached
pages stale) when what the public sees changes."""

from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce

from blog.models import Post
from comments.models import Comment
from config.page_cache import essay_scope, public_pages_changed


def _lock_post(post: Post) -> None:
    # Serialises writes under one essay, so public counts and rate checks see each other.
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").first()


def _public_view_changes(comment: Comment, from_status: str, to_status: str) -> bool:
    # Going in or out of public view, or changing what a placeholder says above visible replies.
    return Comment.Status.APPROVED in (from_status, to_status) or comment.replies.exists()


def refresh_public_count(post: Post) -> None:
    """Store the essay's public comment count and mark its cached pages stale."""
    public = Comment.objects.filter(post=post).public().values("post").annotate(n=Count("pk"))
    post.public_comments_changed(comment_count=Coalesce(Subquery(public.values("n")), 0))
    public_pages_changed(essay_scope(post), "lists")
