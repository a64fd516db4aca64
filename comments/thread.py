"""The essay page's thread as one viewer may see it: the page of threads asked for, fetched in
one query and made into nodes (comments.tree), what the viewer's standing changes, and the public
copy rendered once per change and cached. `comment_thread` is the one function the blog app
calls."""

import functools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, F, Q, Subquery
from django.db.models.functions import Now
from django.http import Http404
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.forms import CommentForm
from comments.models import (
    Comment,
    EssayFollow,
    Suspension,
    is_moderator,
    is_moderator_column,
)
from comments.suspensions import suspension_notice
from comments.tree import Node, _nodes_from_rows, _permit, assemble
from config.cache_mirror import forget_mirrored, mirrored_many
from config.database.compiled import (
    ESSAY_STAND_IN,
    MEMBER_STAND_IN,
    NOW_STAND_IN,
    Statement,
    compile_queryset,
    fetch_one,
)
from config.page_cache import (
    site_version,
    store_body,
    stored_body,
    version_key,
    versions_are_current,
)


@dataclass
class Thread:
    post: object
    nodes: list = field(default_factory=list)
    html: SafeString = SafeString("")
    viewer_is_moderator: bool = False
    comments_open: bool = False
    form: CommentForm | None = None
    is_following: bool = False
    suspension_notice: str = ""
    page_number: int = 1
    has_next: bool = False
    newest_first: bool = False

    @functools.cached_property
    def essay_url(self) -> str:
        # Reversed once: the thread's links ask for it several times on every page.
        return self.post.get_absolute_url()

    @property
    def respond_url(self) -> str:
        return f"{self.essay_url}#respond"

    def _page_query(self, number: int) -> str:
        query = [f"comments={number}"] if number > 1 else []  # page 1 is the essay's own address
        if self.newest_first:
            query.append("order=newest")
        return "&".join(query)

    @property
    def page_query(self) -> str:
        """The query string of this page of threads' own address ("" for the first, oldest)."""
        return self._page_query(self.page_number)

    def _page_url(self, number: int) -> str:
        query = self._page_query(number)
        return f"{self.essay_url}{'?' if query else ''}{query}#comments"

    @property
    def next_url(self) -> str:
        return self._page_url(self.page_number + 1) if self.has_next else ""

    @property
    def previous_url(self) -> str:
        return self._page_url(self.page_number - 1) if self.page_number > 1 else ""

    @property
    def order_urls(self) -> tuple[str, str]:
        """(oldest first, newest first): each starts again at the first page."""
        return f"{self.essay_url}#comments", f"{self.essay_url}?order=newest#comments"


def requested_page(request) -> tuple[int, bool]:
    """The page of threads (?comments=N) and the order (?order=newest) a reader asked for;
    anything but a plain page number is no page at all."""
    raw = request.GET.get("comments", "1")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise Http404(_("There is no such page of comments."))
    return int(raw), request.GET.get("order") == "newest"


def page_of(comment, *, viewer) -> int:
    """The page (oldest first) on which a comment's thread is shown to this viewer."""
    root_id = comment.root_id or comment.pk
    roots = list(Comment.objects.thread_roots(post=comment.post, viewer=viewer))
    position = roots.index(root_id) if root_id in roots else 0
    return position // setting("COMMENTS_PER_PAGE") + 1


PUBLIC_THREAD_SECONDS = 5 * 60


def _public_thread_key(post, *, comments_open: bool, page: int, newest_first: bool) -> str:
    # cache_version moves whenever what the public sees under the essay changes (see
    # Post.public_comments_changed); the site's page version, which moves when a member's name or
    # picture does, is kept with each copy (see _kept_under). The copy is kept as the digest of
    # its HTML (see _public_copy), under a name of its own: a process of the release before,
    # which kept the HTML itself, reads none of these entries, nor this one its.
    return ":".join(
        str(part)
        for part in (
            "comments:public-thread-digest",
            post.pk,
            post.cache_version,
            int(comments_open),
            setting("COMMENTS_MAX_DEPTH"),
            setting("COMMENTS_PER_PAGE"),
            page,
            int(newest_first),
            get_language(),
        )
    )


@functools.cache
def _viewer_statement(edit_window_minutes: int) -> Statement:
    # Compiled once per process (see config.database.compiled) and per setting it depends on:
    # its five subqueries cost a member's page ~4 ms of CPU to compile, the database ~1 ms to
    # answer.
    class StandIn:  # a member as the queryset methods ask about one
        pk = MEMBER_STAND_IN
        is_authenticated = True

    member = StandIn()
    # The longest suspension in force shows; "in force" by the database's clock.
    active = Suspension.objects.active(now=Now()).filter(member_id=member.pk)
    active = active.order_by(F("ends_at").desc(nulls_first=True))
    users = get_user_model().objects.filter(pk=member.pk)
    personal = Comment.objects.filter(post_id=ESSAY_STAND_IN).personal_to(member, now=NOW_STAND_IN)
    return compile_queryset(
        users.annotate(
            moderates=is_moderator_column(f'"{get_user_model()._meta.db_table}"."id"'),
            follows=Exists(EssayFollow.objects.filter(member_id=member.pk, post_id=ESSAY_STAND_IN)),
            suspension_reason=Subquery(active.values("reason")[:1]),
            suspension_end=Subquery(active.values("ends_at")[:1]),
            suspended=Exists(active),
            personal=Exists(personal),
        ).values_list(
            "moderates", "follows", "suspended", "suspension_reason", "suspension_end", "personal"
        )
    )


def _viewer_state(viewer, post) -> tuple[bool, Suspension | None, bool]:
    """Whether a member follows the essay, the suspension they are under if any, and whether they
    have comments here that make their view differ from the public one, asked in the same query
    as whether they moderate (kept on the user, as is_moderator does)."""
    window = setting("COMMENTS_EDIT_WINDOW_MINUTES")
    statement = _viewer_statement(window)
    cutoff_stand_in = NOW_STAND_IN - timedelta(minutes=window)
    row = fetch_one(
        statement,
        {
            MEMBER_STAND_IN: viewer.pk,
            ESSAY_STAND_IN: post.pk,
            cutoff_stand_in: timezone.now() - timedelta(minutes=window),
        },
    )
    if row is None:
        return False, None, False
    if not hasattr(viewer, "_perm_cache"):
        viewer._moderator_cache = row["moderates"]
    suspension = None
    if row["suspended"]:
        suspension = Suspension(reason=row["suspension_reason"], ends_at=row["suspension_end"])
    return row["follows"], suspension, row["personal"]


def comment_thread(*, request, post) -> Thread:
    """The thread of an essay as the requesting viewer may see it, rendered and ready.

    What the public sees is rendered once per change and cached, with each card on its own; a
    member whose view is the public one (nothing of theirs pending or still editable) gets that
    copy too, any other member the public cards around their own."""
    from comments.render import (
        ModeratorTools,
        render_cards,
        render_thread,
        render_thread_around,
    )

    viewer = request.user
    if viewer.is_authenticated:
        thread_state = _viewer_state(viewer, post)  # also settles is_moderator, in one query
    has_own_view = False
    moderating = is_moderator(viewer)
    open_ = post.comments_are_open()
    page, newest_first = requested_page(request)
    thread = Thread(
        post=post,
        viewer_is_moderator=moderating,
        comments_open=open_,
        form=CommentForm(initial={"token": uuid.uuid4()}) if open_ else None,
        page_number=page,
        newest_first=newest_first,
    )
    if viewer.is_authenticated:
        thread.is_following, suspension, has_own_view = thread_state
        if suspension is not None:
            thread.suspension_notice = suspension_notice(suspension)
    public_key = _public_thread_key(post, comments_open=open_, page=page, newest_first=newest_first)
    cards_key = f"{public_key}:cards"
    cached = public_cards = site = None
    # While a change this process made is not yet marked in the shared cache (it did not answer
    # then), nothing kept there may be trusted, nor anything kept under its versions.
    if not moderating and versions_are_current():
        # One round trip: the public copy, the public cards when their page may be their own
        # (see below), and the site's version the copies must have been rendered under.
        site_key = version_key("site")
        keys = [public_key, site_key, *([cards_key] if has_own_view else [])]
        # The public copy's entry and the site's version are a few dozen bytes, mirrored by this
        # process (config.cache_mirror): no round trip while its copy holds them. The cards,
        # ~1 KB a comment, are not mirrored; those who need them ask Redis.
        found = None if has_own_view else mirrored_many(keys)
        if found is None:
            found = cache.get_many(keys)
        site = found.get(site_key) or site_version()
        cached = _public_copy(_kept_under(site, found.get(public_key)))
        public_cards = _kept_under(site, found.get(cards_key))
    # A cached public thread serves readers, and members with nothing of their own to see
    # differently (the thread below tells the same from its nodes, for this page).
    if cached is not None and not has_own_view:
        thread.html, thread.has_next = SafeString(cached[0]), cached[1]
        return thread
    max_depth = setting("COMMENTS_MAX_DEPTH")
    essay_author_ids = post.author_user_ids
    # One query for the rows of the page's threads (their roots chosen in a subquery), one for
    # whether another page follows: two, however many comments and pages.
    per_page = setting("COMMENTS_PER_PAGE")
    start = (page - 1) * per_page
    roots = Comment.objects.thread_roots(post=post, viewer=viewer, newest_first=newest_first)
    page_roots = roots[start : start + per_page + 1]  # one more: is there a next page?
    rows = list(
        Comment.objects.for_thread(post=post, viewer=viewer).filter(
            Q(pk__in=page_roots) | Q(root_id__in=page_roots)
        )
    )
    if page > 1 and not rows:
        raise Http404(_("There is no such page of comments."))
    thread.nodes = assemble(
        _nodes_from_rows(rows, viewer=viewer, essay_author_ids=essay_author_ids),
        newest_first=newest_first,
    )
    # The extra thread only says that another page follows: it is the next page's first.
    top_level = [node for node in thread.nodes if node.parent_node is None]
    if len(top_level) > per_page:
        thread.has_next = True
        thread.nodes = thread.nodes[: thread.nodes.index(top_level[per_page])]
    personal = moderating
    for node in thread.nodes:
        _permit(node, open_=open_, max_depth=max_depth, viewer=viewer)
        personal = personal or node.can_edit or (node.is_own and node.is_pending)
    for node in thread.nodes:
        # The public copy offers Report on every published comment (whoever it is cached for;
        # the service refuses one's own); a page of one's own leaves it off one's own comments.
        node.can_report = (
            node.status == Comment.Status.APPROVED
            and not node.is_placeholder
            and not moderating
            and not (personal and node.is_own)
        )
    if moderating:
        tools = ModeratorTools(csrf_token=get_token(request), post=post)
        thread.html = render_thread(thread.nodes, tools=tools)
        return thread
    if personal:
        # A member's own page: the public cards of this page, and theirs rendered in place.
        reusable = public_cards or {}
        thread.html = render_thread_around(
            thread.nodes,
            cards={
                node.pk: reusable[node.pk]
                for node in thread.nodes
                if node.pk in reusable and not _differs_for_its_author(node)
            },
        )
        return thread
    if cached is None:
        public_cards = render_cards(thread.nodes)
        cached = (str(render_thread_around(thread.nodes, cards=public_cards)), thread.has_next)
        if site is not None:
            digest = store_body(cached[0].encode(), PUBLIC_THREAD_SECONDS)
            kept = {public_key: (site, (digest, cached[1])), cards_key: (site, public_cards)}
            cache.set_many(kept, PUBLIC_THREAD_SECONDS)
            forget_mirrored(kept)  # found missing a moment ago: this process's copy says so
    thread.html = SafeString(cached[0])
    return thread


def _kept_under(site: str, kept):
    """A cached copy, if it was rendered under this version of the site."""
    return kept[1] if kept is not None and kept[0] == site else None


def _public_copy(kept) -> tuple[str, bool] | None:
    """The public thread's (HTML, has_next) from its entry (the HTML's digest, has_next). The
    HTML, ~1 KB a comment, is kept as page bodies are (config.page_cache.store_body): each process
    keeps the copies it serves in memory, and a member's page fetches only the small entry from
    the shared cache, not the whole thread each time."""
    if kept is None:
        return None
    digest, has_next = kept
    body = stored_body(digest)
    return None if body is None else (body.decode(), has_next)


def _differs_for_its_author(node: Node) -> bool:
    """Whether this card, on the page of the member who wrote it or the comment it answers, is
    not the public one: their own comments (Edit, no Report, shown while pending) and replies to
    a comment of theirs awaiting moderation (the public reads "in reply to an earlier comment")."""
    parent = node.reply_to_node or node.parent_node
    return node.is_own or (parent is not None and parent.is_own and parent.is_pending)
