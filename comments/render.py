"""The comment card, rendered: every comment's markup comes from one autoescaped Jinja2
template, templates/comments/comment_card.jinja, whether in a whole thread, a reply just posted
(JSON for comments.js), the reply page or the moderation queue.

A page renders all its cards in one template call; what is the same for every card of the page
(the moderator's form, URL patterns, labels) is worked out once, and a date's text once per
minute: on a 500-comment page every microsecond per comment is half a millisecond."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import pass_environment
from markupsafe import Markup

CARD_TEMPLATE = "comments/comment_card.jinja"
SENTINEL = "987654321987"


def url_parts(name: str) -> tuple[str, str]:
    """A comment URL around its id: reverse() once a page, not once a comment (it is costly)."""
    head, tail = reverse(name, args=[SENTINEL]).split(SENTINEL)
    return head, tail


@dataclass
class ModeratorTools:
    """What a moderator's inline buttons need: the CSRF token and where to come back to."""

    csrf_token: str
    post: object
    action_url: str = field(default_factory=lambda: reverse("comments:moderate"))

    def __post_init__(self):
        self.post_url = self.post.get_absolute_url()
        self.history_head, self.history_tail = url_parts("comments:history")
        self.suspension_head, self.suspension_tail = url_parts("comments:suspension")
        self.redact_head, self.redact_tail = url_parts("comments:redact")
        self.decline_head, self.decline_tail = url_parts("comments:decline")


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


class CardPage:
    """What every card of one page shares."""

    def __init__(self, tools: ModeratorTools | None = None):
        self.tools = tools
        self.zone, self.language = timezone.get_current_timezone(), get_language()
        self.reply_head, self.reply_tail = url_parts("comments:reply")
        self.edit_head, self.edit_tail = url_parts("comments:edit")
        self.report_head, self.report_tail = url_parts("comments:report")
        self.actions = (
            {
                status: [(action, _(action.capitalize())) for action in actions]
                for status, actions in _ACTIONS_FOR.items()
            }
            if tools
            else {}
        )


@lru_cache(maxsize=4096)
def _date_text(year, month, day, hour, minute, language) -> str:
    # Keyed by the language too: the month's name and the words around it are translated.
    return _("%(day)s %(month)s %(year)s at %(time)s") % {
        "day": day,
        "month": MONTHS[month],
        "year": year,
        "time": f"{hour:02d}:{minute:02d}",
    }


def comment_date(moment, page=None) -> str:
    """The one date format of comments ("3 March 2026 at 14:05"), in the site's time zone.
    A page passes its time zone and language, asked once a page rather than once a comment."""
    zone, language = (page.zone, page.language) if page else (None, get_language())
    local = timezone.localtime(moment, zone)
    return _date_text(local.year, local.month, local.day, local.hour, local.minute, language)


def isoformat(moment) -> str:
    return moment.isoformat()


AVATAR_TEMPLATE = "accounts/_avatar.html"


@pass_environment
@lru_cache(maxsize=4096)
def card_avatar(environment, avatar) -> Markup:
    """The one avatar template, as the card shows it (40 px, loaded lazily), rendered once per
    avatar rather than included once per comment: an include costs as much as the rest of the
    card. (An Avatar is immutable, so its markup can be kept.)"""
    template = environment.get_template(AVATAR_TEMPLATE)
    # A template's own output, autoescaped as it rendered: markup already.
    return Markup(template.render(avatar=avatar, size=40, lazy=True))  # noqa: S704


def _render(nodes, *, tools=None, bare=False) -> SafeString:
    # Jinja2's own template (not Django's wrapper): no request context, nothing per request.
    template = engines["jinja2"].env.get_template(CARD_TEMPLATE)
    return SafeString(template.render(nodes=nodes, page=CardPage(tools), bare=bare))


def render_card(node) -> SafeString:
    """One comment's <article>, outside a thread (the reply page, the moderation queue)."""
    return _render([node], bare=True)


def render_item(node) -> SafeString:
    """One comment as a complete list item (a comment just posted, inserted by comments.js)."""
    return _render([node])


def render_thread(nodes, *, tools: ModeratorTools | None = None) -> SafeString:
    """The nested lists of a whole thread, from nodes in reading order (see thread.assemble)."""
    return _render(nodes, tools=tools)
