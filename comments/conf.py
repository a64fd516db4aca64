"""The comments app's settings, each overridable in config/settings.py under the same name."""

from django.conf import settings

DEFAULTS = {
    # Threads nest this many levels deep (a top-level comment is level 1).
    "COMMENTS_MAX_DEPTH": 5,
    # Characters, enforced by the form and by the database column (changing it needs a migration).
    "COMMENTS_MAX_LENGTH": 5000,
    # Members with this many approved comments are approved at once (WordPress's rule).
    "COMMENTS_AUTO_APPROVE_AFTER": 2,
    "COMMENTS_TRUSTED_GROUP": "Trusted commenters",
    # More links than this holds a comment for moderation.
    "COMMENTS_MAX_LINKS": 2,
    # Words (case-insensitive substrings) that hold a comment, or mark it as spam.
    "COMMENTS_MODERATION_WORDS": [],
    "COMMENTS_BLOCKED_WORDS": [],
    # A member may post at most this many comments per window (seconds).
    "COMMENTS_RATE_LIMIT": 5,
    "COMMENTS_RATE_WINDOW": 10 * 60,
    # A member's next comment must wait this many seconds after their last (WordPress: 15).
    "COMMENTS_FLOOD_SECONDS": 15,
    # Members may edit their own comment for this many minutes after posting.
    "COMMENTS_EDIT_WINDOW_MINUTES": 15,
    # At most one "comments are waiting" mail per moderator per this many seconds.
    "COMMENTS_MODERATOR_MAIL_INTERVAL": 10 * 60,
    # Mail that fails is tried again after RETRY_SECONDS, then 4 and 16 times that…, up to
    # ATTEMPTS tries in all, then given up with an error in the log.
    "COMMENTS_MAIL_ATTEMPTS": 5,
    "COMMENTS_MAIL_RETRY_SECONDS": 60,
    # An approved comment reported by this many different members is hidden until reviewed.
    "COMMENTS_REPORTS_TO_HIDE": 3,
    # A member may report at most this many comments per window (seconds).
    "COMMENTS_REPORT_RATE_LIMIT": 10,
    "COMMENTS_REPORT_RATE_WINDOW": 60 * 60,
    # Long essays show this many top-level threads a page, each with all its replies.
    "COMMENTS_PER_PAGE": 50,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
