"""The essay page's thread as one viewer may see it: the page of threads asked for, fetched in
one query and made into nodes (comments.tree), what the viewer's standing changes, and the public
copy rendered once per change and cached. `comment_thread` is the one function the blog app
calls."""

import functools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db.models import BooleanField, Exists, F, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Now
from django.http import Http404
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.forms import CommentForm
from comments.models import (
    THREAD_FIELDS,
    Comment,
    EssayFollow,
    Suspension,
    is_moderator,
    is_moderator_column,
)
from comments.suspensions import suspension_notice
from comments.tree import _nodes_from_rows, _permit, assemble
from config.cache_mirror import forget_mirrored, mirrored_many
from config.database.compiled import (
    ESSAY_STAND_IN,
    MEMBER_STAND_IN,
    NOW_STAND_IN,
    Statement,
    compile_queryset,
    fetch_all,
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
            "comments:public-thread-spans",
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


class _MemberStandIn:
    """A member (not a moderator) as the queryset methods ask about one, for statements compiled
    once per process (see config.database.compiled)."""

    pk = MEMBER_STAND_IN
    is_authenticated = is_active = True
    is_superuser = False
    _moderator_cache = False


@functools.cache
def _viewer_statement(edit_window_minutes: int) -> Statement:
    # Compiled once per process (see config.database.compiled) and per setting it depends on:
    # its five subqueries cost a member's page ~4 ms of CPU to compile, the database ~1 ms to
    # answer.
    member = _MemberStandIn()
    # The longest suspension in force shows; "in force" by the database's clock.
    active = Suspension.objects.active(now=Now()).filter(member_id=member.pk)
    active = active.order_by(F("ends_at").desc(nulls_first=True))
    users = get_user_model().objects.filter(pk=member.pk)
    personal = Comment.objects.filter(post_id=ESSAY_STAND_IN).personal_to(member, now=NOW_STAND_IN)
    # The threads holding any comment of theirs (the top-level comments' ids): only those can
    # read differently for them than for the public (see _members_thread).
    own_threads = (
        Comment.objects.filter(post_id=ESSAY_STAND_IN, author_id=member.pk)
        .annotate(thread=Coalesce("root_id", "id"))
        .values("thread")
    )
    return compile_queryset(
        users.annotate(
            moderates=is_moderator_column(f'"{get_user_model()._meta.db_table}"."id"'),
            follows=Exists(EssayFollow.objects.filter(member_id=member.pk, post_id=ESSAY_STAND_IN)),
            suspension_reason=Subquery(active.values("reason")[:1]),
            suspension_end=Subquery(active.values("ends_at")[:1]),
            suspended=Exists(active),
            personal=Exists(personal),
            own_threads=ArraySubquery(own_threads),
        ).values_list(
            "moderates",
            "follows",
            "suspended",
            "suspension_reason",
            "suspension_end",
            "personal",
            "own_threads",
        )
    )


def _viewer_state(viewer, post) -> tuple[bool, Suspension | None, frozenset]:
    """Whether a member follows the essay, the suspension they are under if any, and, when they
    have comments here that make their view differ from the public one, the threads holding
    any of their comments (else an empty set), asked in the same query as whether they moderate
    (kept on the user, as is_moderator does)."""
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
        return False, None, frozenset()
    if not hasattr(viewer, "_perm_cache"):
        viewer._moderator_cache = row["moderates"]
    suspension = None
    if row["suspended"]:
        suspension = Suspension(reason=row["suspension_reason"], ends_at=row["suspension_end"])
    own_threads = frozenset(row["own_threads"]) if row["personal"] else frozenset()
    return row["follows"], suspension, own_threads


def comment_thread(*, request, post) -> Thread:
    """The thread of an essay as the requesting viewer may see it, rendered and ready.

    What the public sees is rendered once per change and cached, with where each of its threads
    is in the HTML; a member whose view is the public one (nothing of theirs pending or still
    editable) gets that copy too, any other member its threads around their own."""
    from comments.render import ModeratorTools, render_thread, render_thread_spans

    viewer = request.user
    if viewer.is_authenticated:
        thread_state = _viewer_state(viewer, post)  # also settles is_moderator, in one query
    own_threads = frozenset()
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
        thread.is_following, suspension, own_threads = thread_state
        if suspension is not None:
            thread.suspension_notice = suspension_notice(suspension)
    public_key = _public_thread_key(post, comments_open=open_, page=page, newest_first=newest_first)
    cached = site = None
    # While a change this process made is not yet marked in the shared cache (it did not answer
    # then), nothing kept there may be trusted, nor anything kept under its versions.
    if not moderating and versions_are_current():
        # The public copy's entry and the site's version it must have been rendered under: a few
        # dozen bytes, mirrored by this process (config.cache_mirror), or one round trip.
        site_key = version_key("site")
        keys = [public_key, site_key]
        found = mirrored_many(keys)
        if found is None:
            found = cache.get_many(keys)
        site = found.get(site_key) or site_version()
        cached = _public_copy(_kept_under(site, found.get(public_key)))
    # A cached public thread serves readers, and members with nothing of their own to see
    # differently; members with something get it with only their own threads rendered.
    if cached is not None:
        if not own_threads:
            thread.html, thread.has_next = SafeString(cached[0]), cached[1]
            return thread
        thread.html, thread.has_next = _members_thread(
            post, viewer, own_threads, cached, page=page, newest_first=newest_first, open_=open_
        )
        return thread
    max_depth = setting("COMMENTS_MAX_DEPTH")
    per_page = setting("COMMENTS_PER_PAGE")
    # One query for the rows of the page's threads (their roots chosen in a subquery), however
    # many comments and pages; one more thread than a page holds says whether another follows.
    rows = list(
        Comment.objects.for_thread(post=post, viewer=viewer).filter(
            _in_page_of_threads(
                post, viewer, page=page, newest_first=newest_first, per_page=per_page
            )
        )
    )
    if page > 1 and not rows:
        raise Http404(_("There is no such page of comments."))
    thread.nodes = assemble(
        _nodes_from_rows(rows, viewer=viewer, essay_author_ids=post.author_user_ids),
        newest_first=newest_first,
    )
    # The extra thread only says that another page follows: it is the next page's first.
    top_level = [node for node in thread.nodes if node.parent_node is None]
    if len(top_level) > per_page:
        thread.has_next = True
        thread.nodes = thread.nodes[: thread.nodes.index(top_level[per_page])]
    personal = _permit_all(thread.nodes, viewer=viewer, open_=open_, max_depth=max_depth)
    if moderating:
        tools = ModeratorTools(csrf_token=get_token(request), post=post)
        thread.html = render_thread(thread.nodes, tools=tools)
        return thread
    if personal:
        thread.html = render_thread(thread.nodes)  # a member's own page: never kept
        return thread
    html, spans = render_thread_spans(thread.nodes)
    # Kept only from a view that is the public one all through: a member with a comment awaiting
    # moderation on another page sees the threads after it shifted along by one.
    if site is not None and not own_threads:
        digest = store_body(html.encode(), PUBLIC_THREAD_SECONDS)
        kept = {public_key: (site, (digest, thread.has_next, spans))}
        cache.set_many(kept, PUBLIC_THREAD_SECONDS)
        forget_mirrored(kept)  # found missing a moment ago: this process's copy says so
    thread.html = html
    return thread


def _in_page_of_threads(post, viewer, *, page: int, newest_first: bool, per_page: int) -> Q:
    """The rows of one page of threads (one thread more than a page holds: the next page's
    first), as this viewer sees the essay's threads."""
    start = (page - 1) * per_page
    roots = Comment.objects.thread_roots(post=post, viewer=viewer, newest_first=newest_first)
    page_roots = roots[start : start + per_page + 1]
    return Q(pk__in=page_roots) | Q(root_id__in=page_roots)


def _permit_all(nodes, *, viewer, open_: bool, max_depth: int) -> bool:
    """Settle what the viewer may do on each node (reply, edit, report): whether any of it is
    theirs alone (a comment of theirs awaiting moderation or still editable; everything, for a
    moderator), which makes this page of the thread theirs."""
    moderating = is_moderator(viewer)
    personal = moderating
    for node in nodes:
        _permit(node, open_=open_, max_depth=max_depth, viewer=viewer)
        personal = personal or node.can_edit or (node.is_own and node.is_pending)
    for node in nodes:
        # The public copy offers Report on every published comment (whoever it is cached for;
        # the service refuses one's own); a page of one's own leaves it off one's own comments.
        node.can_report = (
            node.status == Comment.Status.APPROVED
            and not node.is_placeholder
            and not moderating
            and not (personal and node.is_own)
        )
    return personal


_ORDER_FIELDS = ("id", "parent_id", "created_at")
# Stand-ins for the ids of the member's threads and of those the public copy holds (lists).
OWN_THREADS_STAND_IN, KEPT_THREADS_STAND_IN = "\x00own threads", "\x00kept threads"


@functools.lru_cache(maxsize=256)
def _members_rows_statement(page: int, newest_first: bool, per_page: int) -> Statement:
    """The rows _members_thread reads: every top-level comment of the member's page of threads,
    and the replies in the threads it renders (theirs, and any the public copy lacks). Compiled
    once per process and page (see config.database.compiled): Django took longer to build it
    than Postgres to answer."""
    member = _MemberStandIn()
    # A list of ids as one array parameter (IN would make a statement per length of list). The
    # SQL is constant; the ids are parameters.
    in_list = f'"{Comment._meta.db_table}"."root_id" = ANY(%s::bigint[])'
    own = RawSQL(in_list, (OWN_THREADS_STAND_IN,), BooleanField())  # noqa: S611
    kept = RawSQL(in_list, (KEPT_THREADS_STAND_IN,), BooleanField())  # noqa: S611
    in_page = _in_page_of_threads(
        ESSAY_STAND_IN, member, page=page, newest_first=newest_first, per_page=per_page
    )
    wanted = Q(parent__isnull=True) | Q(own) | ~Q(kept)
    rows = Comment.objects.for_thread(post=ESSAY_STAND_IN, viewer=member)
    return compile_queryset(rows.filter(in_page).filter(wanted))


def _members_thread(post, viewer, own_threads, public, *, page, newest_first, open_):
    """A member's page of threads (HTML, whether another page follows) when the public copy of
    the page is at hand: the public copy's markup for each thread with nothing of theirs, and
    only their own threads (and any the copy lacks) rendered. The same markup, byte for byte, as
    a whole render of their view (tests/comments/test_member_thread.py), in one query: the
    top-level comments of the page, to put the threads in order, and the rows of the threads to
    render."""
    from comments.render import render_thread, runs_by_thread

    html, _public_has_next, spans = public
    per_page = setting("COMMENTS_PER_PAGE")
    kept_by_public = {pk for pk, (start, end) in spans.items() if end > start}
    statement = _members_rows_statement(page, newest_first, per_page)
    rows = fetch_all(
        statement,
        {
            ESSAY_STAND_IN: post.pk,
            MEMBER_STAND_IN: viewer.pk,
            OWN_THREADS_STAND_IN: sorted(own_threads),
            KEPT_THREADS_STAND_IN: sorted(kept_by_public),
        },
    )
    if page > 1 and not rows:
        raise Http404(_("There is no such page of comments."))
    # The page's top-level comments in thread_roots' order (by date, then id).
    pk_at, parent_at, created_at = (THREAD_FIELDS.index(name) for name in _ORDER_FIELDS)
    tops = sorted((row[created_at], row[pk_at]) for row in rows if row[parent_at] is None)
    if newest_first:
        tops.reverse()
    reused = {pk for _, pk in tops if pk in kept_by_public and pk not in own_threads}
    nodes = assemble(
        _nodes_from_rows(
            # A reused thread's top-level row only placed it: none of its replies was read.
            [row for row in rows if row[pk_at] not in reused],
            viewer=viewer,
            essay_author_ids=post.author_user_ids,
        ),
        newest_first=newest_first,
    )
    rendered = {run[0].pk: run for run in runs_by_thread(nodes)}
    shown = [pk for _, pk in tops if pk in reused or pk in rendered]
    has_next, shown = len(shown) > per_page, shown[:per_page]
    rendered_nodes = [node for pk in shown if pk in rendered for node in rendered[pk]]
    personal = _permit_all(
        rendered_nodes, viewer=viewer, open_=open_, max_depth=setting("COMMENTS_MAX_DEPTH")
    )
    if not personal:
        return SafeString(html), has_next
    parts = [
        html[slice(*spans[pk])] if pk in reused else str(render_thread(rendered[pk]))
        for pk in shown
    ]
    return SafeString("".join(parts)), has_next


def _kept_under(site: str, kept):
    """A cached copy, if it was rendered under this version of the site."""
    return kept[1] if kept is not None and kept[0] == site else None


def _public_copy(kept) -> tuple[str, bool, dict] | None:
    """The public thread's (HTML, has_next, where each thread is in the HTML) from its entry
    (the HTML's digest, has_next, the spans). The HTML, ~1 KB a comment, is kept as page bodies
    are (config.page_cache.store_body): each process keeps the copies it serves in memory, and a
    member's page fetches only the small entry, not the whole thread each time."""
    if kept is None:
        return None
    digest, has_next, spans = kept
    body = stored_body(digest)
    return None if body is None else (body.decode(), has_next, spans)
