"""The comment card, rendered: every comment's markup comes from one autoescaped Jinja2
template, templates/comments/comment_card.jinja, whether in a whole thread, a reply just posted
(JSON for comments.js), the reply page or the moderation queue.

A page renders all its cards in one template call; what is the same for every card of the page
(the moderator's form, URL patterns, labels) is worked out once, and a date's words once per
day: on a 500-comment page every microsecond per comment is half a millisecond."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from types import SimpleNamespace

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
THREAD_TEMPLATE = "comments/comment_thread.jinja"
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
        self.when = DateFormat().when  # (datetime attribute, text) of a moment
        self.labels = _labels(get_language())
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


@lru_cache(maxsize=16)
def _labels(language) -> SimpleNamespace:
    # Keyed by the language: the card's words, translated once per language, not once a card.
    return SimpleNamespace(
        author=_("Author of this essay"),
        moderator=_("Moderator"),
        in_reply_to=_("in reply to"),
        earlier=_("an earlier comment"),
        pending=_("Awaiting moderation"),
        erased=_("This comment was deleted by its author."),
        reply=_("Reply"),
        edit=_("Edit or delete"),
        history=_("History"),
        report=_("Report"),
        suspend=_("Suspend the author"),
        edited=_("edited"),
        redacted=_("edited by a moderator"),
        redact=_("Redact"),
        decline=_("Tell why…"),
    )


@lru_cache(maxsize=4096)
def _day_text(day: date, language) -> tuple[str, str]:
    """The words around the time on one local day ("3 March 2026 at ", ""): the translated
    pattern is filled once a day, not once a comment (keyed by the language: the month's name
    and the words around the time are translated)."""
    pattern = _("%(day)s %(month)s %(year)s at %(time)s") % {
        "day": day.day,
        "month": MONTHS[day.month],
        "year": day.year,
        "time": "\x00",
    }
    before, _time, after = pattern.partition("\x00")
    return before, after


_EPOCH_DAY = date(1970, 1, 1).toordinal()


class DateFormat:
    """The one date format of comments ("3 March 2026 at 14:05") in the site's time zone, and the
    UTC moment for <time datetime>, both to the minute. Per comment it costs one cached lookup:
    a minute's texts are kept for the process, the words of a day and the zone's offset in an
    hour are worked out once (zones change their offset on the hour, so an hour never straddles
    two offsets)."""

    def __init__(self):
        self.zone, self.language = timezone.get_current_timezone(), get_language()

    def when(self, moment) -> tuple[str, str]:
        """(the datetime attribute, the text) of a moment."""
        return _minute_texts(int(moment.timestamp()) // 60, self.zone, self.language)


@lru_cache(maxsize=65536)  # a minute's two strings: a busy year of comments fits
def _minute_texts(minute: int, zone, language) -> tuple[str, str]:
    offset = _offset_minutes(minute // 60, zone)
    day, time_of_day = divmod(minute + offset, 1440)
    before, after = _day_text(date.fromordinal(_EPOCH_DAY + day), language)
    text = f"{before}{time_of_day // 60:02d}:{time_of_day % 60:02d}{after}"
    utc_day, utc_time = divmod(minute, 1440)
    utc_date = date.fromordinal(_EPOCH_DAY + utc_day).isoformat()
    return f"{utc_date}T{utc_time // 60:02d}:{utc_time % 60:02d}Z", text


@lru_cache(maxsize=16384)
def _offset_minutes(hour: int, zone) -> int:
    """The zone's offset from UTC, in minutes, during one hour since the epoch."""
    start = datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone)
    return int(start.utcoffset().total_seconds()) // 60


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


def comment_date(moment) -> str:
    """The one date format of comments ("3 March 2026 at 14:05"), in the site's time zone."""
    return DateFormat().when(moment)[1]


def _card_macro():
    # Jinja2's own template (not Django's wrapper): no request context, nothing per request.
    return engines["jinja2"].env.get_template(CARD_TEMPLATE).module.card


def _render(nodes, *, page: CardPage) -> SafeString:
    template = engines["jinja2"].env.get_template(THREAD_TEMPLATE)
    return SafeString(template.render(nodes=nodes, page=page))


def render_card(node) -> SafeString:
    """One comment's <article>, outside a thread (the reply page, the moderation queue)."""
    return SafeString(_card_macro()(node, CardPage()))


def render_item(node) -> SafeString:
    """One comment as a complete list item (a comment just posted, inserted by comments.js)."""
    return _render([node], page=CardPage())


def render_thread(nodes, *, tools: ModeratorTools | None = None) -> SafeString:
    """The nested lists of a whole thread, from nodes in reading order (see tree.assemble)."""
    return _render(nodes, page=CardPage(tools))


def render_thread_spans(nodes) -> tuple[SafeString, dict[int, tuple[int, int]]]:
    """render_thread's markup for a public thread, and where each of its threads (a top-level
    comment and its replies: a whole list item) starts and ends in it, keyed by the top-level
    comment's id: a member's page reuses these around the threads that are theirs (see
    comments.thread). The thread template renders each node on its own, so the markup is the
    threads' markup end to end."""
    page, parts, spans, at = CardPage(), [], {}, 0
    for run in runs_by_thread(nodes):
        part = str(_render(run, page=page))
        spans[run[0].pk] = (at, at + len(part))
        parts.append(part)
        at += len(part)
    return SafeString("".join(parts)), spans


def runs_by_thread(nodes) -> list[list]:
    """Nodes in reading order, cut into one run per top-level comment."""
    runs = []
    for node in nodes:
        if node.parent_node is None:
            runs.append([])
        runs[-1].append(node)
    return runs
