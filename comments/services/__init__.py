"""Every write to comments goes through these functions: the views, the moderation queue, the
admin and the demo command call the same code. Each writes its ModerationEvent in the same
transaction and queues its mail with it (comments.background: in the same transaction when the
queue is in the database, after the commit otherwise).

The writes are grouped by who makes them, one module each: posting (a member's new comment),
own_comments (a member's edit or withdrawal), decisions (moderators'); refusals and
public_count hold what they share. Callers import from here."""

from comments.services.decisions import (
    comment_approve,
    comment_mark_spam,
    comment_redact,
    comment_reject,
    comment_remove,
)
from comments.services.own_comments import comment_edit, comment_withdraw
from comments.services.posting import comment_submit, essay_to_post_on
from comments.services.public_count import refresh_public_count
from comments.services.refusals import CommentRefused, EssayNotFound

__all__ = [
    "CommentRefused",
    "EssayNotFound",
    "comment_approve",
    "comment_edit",
    "comment_mark_spam",
    "comment_redact",
    "comment_reject",
    "comment_remove",
    "comment_submit",
    "comment_withdraw",
    "essay_to_post_on",
    "refresh_public_count",
]
