"""The thread's markup, built in Python.

A 500-comment thread through the template engine cost ~0.5 ms per comment on the benchmark
machine, ten times the page's budget. Here each comment is one f-string whose every value is
already markup: an int, a label or URL escaped once per page (Labels), a commenter's name and
avatar escaped once per commenter (Labels.person), a date formatted once per minute
(Labels.when), or the comment body, which comments.text escaped when the comment was saved.
`escape` is the standard library's, which escapes & < > " ' exactly as Django's escape() does,
without its lazy-string and SafeString checks; it is only ever given plain str."""

from dataclasses import dataclass, field
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

SENTINEL = "987654321987"


def url_maker(name: str):
    """reverse() once; fill in each comment's id by concatenation (reverse per row is costly).
    The result is escaped markup, ready for an attribute."""
    head, tail = escape(reverse(name, kwargs={"pk": SENTINEL})).split(SENTINEL)
    return lambda pk: f"{head}{int(pk)}{tail}"


@dataclass
class ModeratorTools:
    """What a moderator's inline buttons need: the CSRF token and where to come back to."""

    csrf_token: str
    post: object
    action_url: str = field(default_factory=lambda: reverse("comments:moderate"))
    history_url: object = field(default_factory=lambda: url_maker("comments:history"))


# Which moderation buttons a comment in each status offers, in this order.
_ACTIONS_FOR = {
    status: [
        action
        for action, shown in (
            ("approve", status != "approved"),
            ("reject", status == "pending"),
            ("spam", status != "spam"),
            ("remove", status == "approved"),
        )
        if shown
    ]
    for status in ("pending", "approved", "rejected", "spam", "removed")
}


class Labels:
    """Every translated word of the markup, escaped once per page rather than per comment."""

    def __init__(self, tools: ModeratorTools | None = None):
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.date = str(_("%(day)s %(month)s %(year)s at %(time)s"))
        self.author = (
            f' <span class="badge badge--author">{escape(_("Author of this essay"))}</span>'
        )
        self.moderator = f' <span class="badge badge--moderator">{escape(_("Moderator"))}</span>'
        self.in_reply_to = escape(_("in reply to"))
        self.earlier = escape(_("an earlier comment"))
        self.pending = (
            '<p class="comment__status comment__status--pending">'
            f"{escape(_('Awaiting moderation'))}</p>"
        )
        self.erased = f'<p class="empty">{escape(_("This comment was deleted by its author."))}</p>'
        self.reply = escape(_("Reply"))
        self.edit = escape(_("Edit or delete"))
        self.reply_url = url_maker("comments:reply")
        self.edit_url = url_maker("comments:edit")
        self.zone = timezone.get_current_timezone()
        self._people = {}
        self._times = {}
        self._statuses = {}
        self._placeholders = {}
        self.tools = tools
        if tools is not None:
            self.moderation_head, self.moderation_tail = self._moderation_parts(tools)

    @staticmethod
    def _moderation_parts(tools):
        # Everything of a moderator's form but the comment's id, escaped once.
        head = (
            f'<form class="comment__moderate" method="post" action="{escape(tools.action_url)}">'
            '<input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(tools.csrf_token)}">'
        )
        buttons = {
            status: "".join(
                f'<button name="action" value="{action}" class="button--small'
                f'{"" if action == "approve" else " button--quiet"}">'
                f"{escape(_(action.capitalize()))}</button>"
                for action in actions
            )
            for status, actions in _ACTIONS_FOR.items()
        }
        return head, (escape(tools.post.get_absolute_url()), buttons, escape(_("History")))

    def moderation(self, node) -> str:
        post_url, buttons, history = self.moderation_tail
        pk = int(node.pk)
        return (
            f'{self.moderation_head}<input type="hidden" name="comments" value="{pk}">'
            f'<input type="hidden" name="next" value="{post_url}#comment-{pk}">'
            f'{buttons[node.status]}<a href="{self.tools.history_url(pk)}">{history}</a></form>'
        )

    def when(self, moment) -> str:
        """A <time> element; its text is worked out once per local minute (threads cluster)."""
        local = moment.astimezone(self.zone)
        key = (local.year, local.month, local.day, local.hour, local.minute)
        text = self._times.get(key)
        if text is None:
            text = self._times[key] = escape(
                self.date
                % {
                    "day": local.day,
                    "month": self.months[local.month],
                    "year": local.year,
                    "time": f"{local.hour:02d}:{local.minute:02d}",
                }
            )
        # isoformat() yields only digits, "-", ":", "T", "+" and ".": nothing to escape.
        return f'<time datetime="{moment.isoformat()}">{text}</time>'

    def status(self, node) -> str:
        if node.status == "approved":
            return ""
        if node.status == "pending":
            return self.pending
        if node.status not in self._statuses:
            self._statuses[node.status] = (
                f'<p class="comment__status">{escape(str(node.get_status_display()))}</p>'
            )
        return self._statuses[node.status]

    def placeholder(self, node) -> str:
        if node.status not in self._placeholders:
            self._placeholders[node.status] = (
                '<article class="comment__card"><p class="comment__placeholder">'
                f"{escape(str(node.placeholder_text))}</p></article>"
            )
        return self._placeholders[node.status]

    def person(self, node) -> tuple[str, str, str]:
        """(avatar, name with badges, plain name) for a commenter, escaped once per page."""
        key = (
            node.author_id,
            node.name,
            node.avatar_url,
            node.is_essay_author,
            node.is_moderator_badge,
        )
        person = self._people.get(key)
        if person is None:
            name = escape(node.name)
            if node.avatar_url:
                avatar = (
                    f'<img class="comment-avatar" src="{escape(node.avatar_url)}" alt="" '
                    'width="40" height="40" loading="lazy" referrerpolicy="no-referrer">'
                )
            else:
                avatar = (
                    f'<span class="comment-avatar comment-avatar--tone{int(node.tone)}" '
                    f'aria-hidden="true">{escape(node.initials)}</span>'
                )
            badges = (self.author if node.is_essay_author else "") + (
                self.moderator if node.is_moderator_badge else ""
            )
            person = self._people[key] = (
                avatar,
                f'<span class="comment__author">{name}</span>{badges}',
                name,
            )
        return person


def _card(node, labels: Labels) -> str:
    """One comment's <article>: a placeholder, or its author, date, context, text and actions."""
    if node.is_placeholder:
        return labels.placeholder(node)
    avatar, name, plain_name = labels.person(node)
    pk = int(node.pk)
    context = ""
    parent = node.reply_to_node or node.parent_node
    if parent is not None:
        parent_name = labels.earlier if parent.is_placeholder else labels.person(parent)[2]
        context = (
            f' <span class="comment__context">{labels.in_reply_to} '
            f'<a href="#comment-{int(parent.pk)}">{parent_name}</a></span>'
        )
    actions = ""
    if node.can_reply:
        actions = (
            f'<a class="comment__reply" href="{labels.reply_url(pk)}#respond" '
            f'data-reply-to="{pk}" data-reply-name="{plain_name}">{labels.reply}</a>'
        )
    if node.can_edit:
        actions += f' <a href="{labels.edit_url(pk)}">{labels.edit}</a>'
    if labels.tools is not None:
        actions += labels.moderation(node)
    # The body was escaped by comments.text when it was saved (see the module docstring).
    text = labels.erased if node.is_erased else node.html
    return (
        f'<article class="comment__card"><header class="comment__meta">{avatar}'
        f'<span class="comment__who">{name} <a class="comment__date" href="#comment-{pk}">'
        f"{labels.when(node.created_at)}</a>{context}</span></header>{labels.status(node)}"
        f'<div class="comment__text">{text}</div>'
        f'<footer class="comment__actions">{actions}</footer></article>'
    )


def _opening(node) -> str:
    if node.is_placeholder:
        state = " comment--placeholder"
    else:
        state = " comment--pending" if node.status == "pending" else ""
    # An imported comment carries its old number, so old links to #comment-<number> find it.
    was = f' data-original-anchor="comment-{int(node.original_id)}"' if node.original_id else ""
    return (
        f'<li id="comment-{int(node.pk)}" class="comment{state}" '
        f'data-depth="{int(node.depth)}"{was}>'
    )


def render_item(node, tools: ModeratorTools | None = None) -> SafeString:
    """One comment as a complete list item (a comment just posted, inserted by comments.js)."""
    return SafeString(f"{_opening(node)}{_card(node, Labels(tools))}</li>")


def render_thread(nodes, *, tools: ModeratorTools | None = None) -> SafeString:
    """The nested lists of a whole thread, from nodes in reading order (see thread.assemble)."""
    labels = Labels(tools)
    parts = []
    for node in nodes:
        parts.append(_opening(node))
        parts.append(_card(node, labels))
        if node.children:
            parts.append('<ol class="comment__replies">')
        else:
            # A leaf closes its own item, then the `closers` reply lists it ends.
            parts.append("</li>" + "</ol></li>" * node.closers)
    return SafeString("".join(parts))
