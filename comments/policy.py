"""The moderation policy, in one place: what happens to a comment when it is submitted.

Checked in this order, the first rule that applies wins:
1. a blocked word → spam;
2. moderators → approved;
3. more links than the limit, or a moderation word → held, with the reason;
4. members of the trusted group, or with COMMENTS_AUTO_APPROVE_AFTER approved comments → approved;
5. everyone else → held until a moderator decides.

The words and the link limit are the moderators' (comments.word_lists), edited in the admin.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from comments.conf import setting
from comments.models import Comment, is_moderator
from comments.text import count_links
from comments.word_lists import current_word_lists


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str = ""


def _first_word_in(text: str, words) -> str | None:
    lowered = text.casefold()
    return next((word for word in words if word and word.casefold() in lowered), None)


def is_trusted(author) -> bool:
    """Members the site already trusts: the trusted group, or enough approved comments."""
    if author.groups.filter(name=setting("COMMENTS_TRUSTED_GROUP")).exists():
        return True
    needed = setting("COMMENTS_AUTO_APPROVE_AFTER")
    approved = Comment.objects.filter(author=author, status=Comment.Status.APPROVED)
    return needed > 0 and approved[:needed].count() >= needed


def decide(*, author, body: str) -> Decision:
    """The status a newly submitted (or edited) comment gets, and why it was held."""
    lists = current_word_lists()
    blocked = _first_word_in(body, lists.blocked_words)
    if blocked:
        return Decision(Comment.Status.SPAM, _("Contains the blocked word “%s”.") % blocked)
    if is_moderator(author):
        return Decision(Comment.Status.APPROVED)
    links, max_links = count_links(body), lists.max_links
    if links > max_links:
        return Decision(
            Comment.Status.PENDING,
            _("Contains %(links)d links (more than %(max)d).") % {"links": links, "max": max_links},
        )
    word = _first_word_in(body, lists.moderation_words)
    if word:
        return Decision(Comment.Status.PENDING, _("Contains the moderation word “%s”.") % word)
    if is_trusted(author):
        return Decision(Comment.Status.APPROVED)
    return Decision(
        Comment.Status.PENDING, _("New members' comments wait for a moderator's approval.")
    )
