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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from comments.conf import setting
from comments.models import Comment, is_moderator, moderators
from comments.text import count_links
from comments.word_lists import current_word_lists


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str = ""


def _first_word_in(text: str, words) -> str | None:
    lowered = text.casefold()
    return next((word for word in words if word and word.casefold() in lowered), None)


def _approved_enough(author) -> Subquery | None:
    if setting("COMMENTS_AUTO_APPROVE_AFTER") <= 0:
        return None
    approved = Comment.objects.filter(author=author, status=Comment.Status.APPROVED)
    return Subquery(approved.values("author").annotate(n=Count("pk")).values("n"))


def standing_of(users):
    """`users` (a User queryset) with what the policy asks of each: is_moderator_now,
    in_trusted_group, approved_enough. One query for all three, and it may take a row lock."""
    author = OuterRef("pk")
    trusted = Group.objects.filter(name=setting("COMMENTS_TRUSTED_GROUP"), user=author)
    enough = _approved_enough(author)
    return users.annotate(
        # moderators() narrowed to the one member (found by its key), not the list of every
        # moderator that a hashed IN would work out first: that means joining every member to
        # their groups and permissions, hundreds of milliseconds once there are thousands.
        is_moderator_now=Exists(moderators().filter(pk=author)),
        in_trusted_group=Exists(trusted),
    ).values(
        "is_moderator_now",
        "in_trusted_group",
        **({"approved_enough": enough} if enough is not None else {}),
    )


def is_trusted(author, standing: dict | None = None) -> bool:
    """Members the site already trusts: the trusted group, or enough approved comments.

    `standing`: what standing_of() found for the author, when the caller asked already."""
    if standing is None:
        standing = standing_of(get_user_model().objects.filter(pk=author.pk)).get()
    needed = setting("COMMENTS_AUTO_APPROVE_AFTER")
    enough = needed > 0 and (standing.get("approved_enough") or 0) >= needed
    return standing["in_trusted_group"] or enough


def decide(*, author, body: str, standing: dict | None = None) -> Decision:
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
    if is_trusted(author, standing):
        return Decision(Comment.Status.APPROVED)
    return Decision(
        Comment.Status.PENDING, _("New members' comments wait for a moderator's approval.")
    )
