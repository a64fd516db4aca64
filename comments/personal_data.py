"""The comments app's part of a member's data export and account deletion."""

from django.db import transaction

from blog.models import Post
from comments import waiting
from comments.models import Comment, CommentRevision, EssayFollow, MailChoice
from comments.services import refresh_public_count


def export_comments(user) -> list[dict]:
    """Every comment the member wrote, with its status and earlier versions."""
    comments = (
        Comment.objects.filter(author=user)
        .select_related("post")
        .prefetch_related("revisions")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": comment.pk,
            "essay": comment.post.title,
            "url": comment.get_absolute_url(),
            "in_reply_to": comment.parent_id,
            "text": comment.body,
            "status": comment.status,
            "posted_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "earlier_versions": [
                {"text": revision.body, "replaced_at": revision.created_at.isoformat()}
                for revision in comment.revisions.all()
            ],
        }
        for comment in comments
    ]


def export_comment_mail(user) -> dict:
    """Which comment mail the member gets, and the essays they follow."""
    choice = MailChoice.of(user)
    follows = EssayFollow.objects.filter(member=user).select_related("post").order_by("created_at")
    return {
        "replies": choice.replies,
        "followed_essays": choice.follows,
        "my_comment_published": choice.published,
        "moderators_reasons": choice.decisions,
        "following": [follow.post.title for follow in follows],
    }


def erase_comments(user) -> None:
    """Delete the member's comments; those that others replied to stay in their threads as
    "Former member" with the text removed, so the conversation keeps its shape."""
    with transaction.atomic():
        comments = list(Comment.objects.filter(author=user).order_by("-depth", "-id"))
        post_ids = {comment.post_id for comment in comments}
        CommentRevision.objects.filter(comment__author=user).delete()
        # Deepest first: removing a reply of theirs may leave a comment of theirs without replies.
        for comment in comments:
            if comment.replies.exists():
                comment.author, comment.guest_name, comment.body = None, "", ""
                comment.submission_token = None
                comment.save(update_fields=["author", "guest_name", "body", "submission_token"])
            else:
                comment.delete()
        for post in Post.objects.filter(pk__in=post_ids):
            refresh_public_count(post)
        waiting.waiting_changed()  # some of theirs may have been waiting
