"""The comments app's models, one module per noun; everything is importable from here."""

from comments.models.comment import (
    THREAD_FIELDS,
    Comment,
    CommentQuerySet,
    guest_email_digest,
    is_editable,
)
from comments.models.mail import EssayFollow, MailChoice, MailFrequency
from comments.models.moderation import (
    CannedReason,
    CommentReport,
    CommentReportQuerySet,
    CommentRevision,
    ModerationEvent,
    Suspension,
    SuspensionQuerySet,
)
from comments.models.moderators import (
    MODERATE_PERMISSION,
    is_moderator,
    is_moderator_column,
    moderators,
)

# Kept beside the word-list code it serves; imported here so Django finds the model.
from comments.word_lists import ModerationSettings

__all__ = [
    "MODERATE_PERMISSION",
    "THREAD_FIELDS",
    "CannedReason",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "CommentReportQuerySet",
    "CommentRevision",
    "EssayFollow",
    "MailChoice",
    "MailFrequency",
    "ModerationEvent",
    "ModerationSettings",
    "Suspension",
    "SuspensionQuerySet",
    "guest_email_digest",
    "is_editable",
    "is_moderator",
    "is_moderator_column",
    "moderators",
]
