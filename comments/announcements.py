"""What a comment's first publication announces, queued as ONE task row with the write that
published it; the worker fans it out into one task per mail (the author's "published" notice,
the parent's author's reply notice, the followers'), so that a failure retries only its mail.

One row rather than several keeps the write short (a posting member waits for every row written
in their transaction) while keeping the reason the rows are written there at all: the
announcement commits with the comment or vanishes with it (comments.background)."""

from django.db import transaction
from django.tasks import task

from comments.background import enqueue_with_write, retried
from comments.following import send_follower_notices
from comments.models import Comment
from comments.notifications import send_published_notice, send_reply_notice


@task
def announce_publication(comment_id: int, attempt: int = 1) -> None:
    """In the worker: queue each mail the comment's publication causes, all or none (a retry
    after a failure part-way queues nothing twice)."""
    with retried(announce_publication, comment_id, attempt=attempt):
        comment = (
            Comment.objects.filter(pk=comment_id)
            .only("status", "parent_id", "notify_on_approval")
            .first()
        )
        if comment is None or not comment.is_public():
            return  # mail follows the final state: a comment rejected meanwhile is not announced
        with transaction.atomic():
            if comment.notify_on_approval:
                send_published_notice.enqueue(comment_id)
            if comment.parent_id:
                send_reply_notice.enqueue(comment_id)
            send_follower_notices.enqueue(comment_id)


def comment_published(comment: Comment) -> None:
    """Queue the announcement of a newly public comment with the write that published it."""
    enqueue_with_write(announce_publication, comment.pk)
