"""The thread's markup, built in Python.

A 500-comment thread through the template engine cost ~0.5 ms per comment on the benchmark
machine, ten times the page's budget. Here each comment is one or two `html()` calls: Django's
format_html contract (every argument escaped unless it is already safe markup) without the lazy
wrappers that made format_html the slowest part of the page. Comment bodies are safe markup
because comments.text escaped them when they were saved."""

import html as stdlib_html
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

SENTINEL = 987654321987
# Closing tags are constants: a leaf closes its own item and then `closers` reply lists.
_CLOSE_ITEM = SafeString("</li>")
_CLOSE_LIST = SafeString("</ol></li>")
_OPEN_LIST = SafeString('<ol class="comment__replies">')


def _escaped(value) -> str:
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is int:
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return stdlib_html.escape(str(value))  # & < > " ' as django.utils.html.escape does


def html(template: str, *args) -> SafeString:
    """format_html for hot loops: the same escaping of every argument, fewer calls."""
    return SafeString(template.format(*map(_escaped, args)))


def _join(parts) -> SafeString:
    return SafeString("".join(map(_escaped, parts)))


def url_maker(name: str):
    """reverse() once; fill in each comment's id by substitution (reverse per row is costly)."""
    pattern = reverse(name, kwargs={"pk": SENTINEL})
    return lambda pk: pattern.replace(str(SENTINEL), str(pk))


@dataclass
class ModeratorTools:
    """What a moderator's inline buttons need: the CSRF token and where to come back to."""

    csrf_token: str
    post: object
    action_url: str = field(default_factory=lambda: reverse("comments:moderate"))
    history_url: object = field(default_factory=lambda: url_maker("comments:history"))


class Labels:
    """Every translated word of the markup, looked up once per page rather than per comment."""

    def __init__(self):
        self.months = {number: str(name) for number, name in MONTHS.items()}
        self.date = _("%(day)s %(month)s %(year)s at %(time)s")
        self.author = format_html(
            ' <span class="badge badge--author">{}</span>', _("Author of this essay")
        )
        self.moderator = format_html(
            ' <span class="badge badge--moderator">{}</span>', _("Moderator")
        )
        self.in_reply_to = _("in reply to")
        self.earlier = _("an earlier comment")
        self.pending = format_html(
            '<p class="comment__status comment__status--pending">{}</p>', _("Awaiting moderation")
        )
        self.erased = format_html(
            '<p class="empty">{}</p>', _("This comment was deleted by its author.")
        )
        self.reply = _("Reply")
        self.edit = _("Edit or delete")
        self.history = _("History")
        self.buttons = {
            "approve": _("Approve"),
            "reject": _("Reject"),
            "spam": _("Spam"),
            "remove": _("Remove"),
        }
        self.reply_url = url_maker("comments:reply")
        self.edit_url = url_maker("comments:edit")
        self.zone = timezone.get_current_timezone()
        self._people = {}

    def when(self, moment) -> SafeString:
        local = moment.astimezone(self.zone)
        text = self.date % {
            "day": local.day,
            "month": self.months[local.month],
            "year": local.year,
            "time": f"{local.hour:02d}:{local.minute:02d}",
        }
        return html('<time datetime="{}">{}</time>', moment.isoformat(), text)

    def person(self, node) -> tuple[SafeString, SafeString]:
        """(avatar, name with badges) for a commenter, built once per commenter per page."""
        key = (
            node.author_id,
            node.name,
            node.avatar_url,
            node.is_essay_author,
            node.is_moderator_badge,
        )
        if key not in self._people:
            if node.avatar_url:
                avatar = html(
                    '<img class="comment-avatar" src="{}" alt="" width="40" height="40" '
                    'loading="lazy" referrerpolicy="no-referrer">',
                    node.avatar_url,
                )
            else:
                avatar = html(
                    '<span class="comment-avatar comment-avatar--tone{}" aria-hidden="true">{}'
                    "</span>",
                    node.tone,
                    node.initials,
                )
            name = html(
                '<span class="comment__author">{}</span>{}{}',
                node.name,
                self.author if node.is_essay_author else "",
                self.moderator if node.is_moderator_badge else "",
            )
            self._people[key] = (avatar, name, html("{}", node.name))
        return self._people[key]


def _moderation(node, labels: Labels, tools: ModeratorTools) -> SafeString:
    wanted = {
        "approve": node.status != "approved",
        "reject": node.status == "pending",
        "spam": node.status != "spam",
        "remove": node.status == "approved",
    }
    buttons = _join(
        html(
            '<button name="action" value="{}" class="button--small{}">{}</button>',
            action,
            "" if action == "approve" else " button--quiet",
            labels.buttons[action],
        )
        for action, show in wanted.items()
        if show
    )
    return html(
        '<form class="comment__moderate" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="comments" value="{}">'
        '<input type="hidden" name="next" value="{}#comment-{}">{}<a href="{}">{}</a></form>',
        tools.action_url,
        tools.csrf_token,
        node.pk,
        tools.post.get_absolute_url(),
        node.pk,
        buttons,
        tools.history_url(node.pk),
        labels.history,
    )


def render_card(node, labels: Labels, tools: ModeratorTools | None = None) -> SafeString:
    """One comment's <article>: a placeholder, or its author, date, context, text and actions."""
    if node.is_placeholder:
        return html(
            '<article class="comment__card"><p class="comment__placeholder">{}</p></article>',
            node.placeholder_text,
        )
    avatar, name, _plain = labels.person(node)
    context = ""
    if node.parent_node is not None:
        parent = node.parent_node
        context = html(
            ' <span class="comment__context">{} <a href="#comment-{}">{}</a></span>',
            labels.in_reply_to,
            parent.pk,
            labels.earlier if parent.is_placeholder else labels.person(parent)[2],
        )
    if node.status == "pending":
        status = labels.pending
    elif node.status != "approved":
        status = html('<p class="comment__status">{}</p>', node.get_status_display())
    else:
        status = ""
    actions = []
    if node.can_reply:
        actions.append(
            html(
                '<a class="comment__reply" href="{}#respond" data-reply-to="{}" '
                'data-reply-name="{}">{}</a>',
                labels.reply_url(node.pk),
                node.pk,
                _plain,
                labels.reply,
            )
        )
    if node.can_edit:
        actions.append(html(' <a href="{}">{}</a>', labels.edit_url(node.pk), labels.edit))
    if tools is not None:
        actions.append(_moderation(node, labels, tools))
    return html(
        '<article class="comment__card"><header class="comment__meta">{}'
        '<span class="comment__who">{} <a class="comment__date" href="#comment-{}">{}</a>{}'
        '</span></header>{}<div class="comment__text">{}</div>'
        '<footer class="comment__actions">{}</footer></article>',
        avatar,
        name,
        node.pk,
        labels.when(node.created_at),
        context,
        status,
        labels.erased if node.is_erased else node.html,
        _join(actions),
    )


def _opening(node) -> SafeString:
    state = (
        " comment--placeholder"
        if node.is_placeholder
        else (" comment--pending" if node.status == "pending" else "")
    )
    return html(
        '<li id="comment-{}" class="comment{}" data-depth="{}">', node.pk, state, node.depth
    )


def render_item(node, tools: ModeratorTools | None = None) -> SafeString:
    """One comment as a complete list item (a comment just posted, inserted by comments.js)."""
    return _join([_opening(node), render_card(node, Labels(), tools), _CLOSE_ITEM])


def render_thread(nodes, *, tools: ModeratorTools | None = None) -> SafeString:
    """The nested lists of a whole thread, from nodes in reading order (see thread.assemble)."""
    labels = Labels()
    parts = []
    for node in nodes:
        parts.append(_opening(node))
        parts.append(render_card(node, labels, tools))
        if node.children:
            parts.append(_OPEN_LIST)
        else:
            parts.append(_CLOSE_ITEM)
            parts.extend([_CLOSE_LIST] * node.closers)
    return _join(parts)
