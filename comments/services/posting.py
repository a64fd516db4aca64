"""A member posts a comment: the essay and member locked, the member's standing, history and pace
read, the reply's parent checked, the moderation policy's status stored with its audit event.
Apart from the other writes because it is the hot path: its statements are compiled once per
process (config.database.compiled) rather than built by the ORM on every post, and sent in two
round trips after BEGIN (the reads, then the writes) rather than one each: a round trip costs
more than the statement once the machine is busy."""

import functools
from datetime import timedelta
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.db import IntegrityError, NotSupportedError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import Post
from comments import announcements, notifications, policy, waiting
from comments.conf import setting
from comments.models import Comment, ModerationEvent, Suspension, is_moderator
from comments.services.refusals import (
    CommentRefused,
    EssayNotFound,
    refuse_if_suspended,
    validate_body,
)
from config.database.base import is_stale_plan
from config.database.compiled import (
    COMMENT_STAND_IN,
    ESSAY_STAND_IN,
    MEMBER_STAND_IN,
    NOW_STAND_IN,
    SECOND_TEXT_STAND_IN,
    TEXT_STAND_IN,
    TOKEN_STAND_IN,
    Statement,
    as_dict,
    as_instance,
    bound,
    compile_full_insert,
    compile_insert,
    compile_instances,
    compile_queryset,
    converted,
    fetch_instance,
    insert_new,
    run,
    together,
    written_as_one,
)
from config.page_cache import essay_scope, public_pages_changed


@functools.cache
def _lock_statement(trusted_group: str, counts_approved: bool) -> Statement:
    # (sql, params, column names) of _lock_post_and_author's statement, compiled once per
    # process and per policy setting it depends on: it has no other per-request values than the
    # two ids (the suspension's clock is the database's), and compiling its five subqueries
    # cost as much CPU as the rest of the service put together.
    users = (
        get_user_model()
        .objects.select_for_update(no_key=True)
        .filter(pk=MEMBER_STAND_IN)
        .filter(Exists(Post.objects.select_for_update().filter(pk=ESSAY_STAND_IN)))
    )
    suspended = Exists(Suspension.objects.active(now=Now()).filter(member=OuterRef("pk")))
    # The new comment's id, taken now (under the essay's lock, so ids still grow in the order
    # an essay's comments are posted): the comment's row and the task that announces it are
    # then written together, in one round trip. A refused post leaves a gap, as a rollback does.
    next_id = RawSQL("nextval(pg_get_serial_sequence(%s, 'id'))", (Comment._meta.db_table,))
    return compile_queryset(
        policy.standing_of(users).annotate(is_suspended=suspended, new_comment_id=next_id)
    )


def _lock_post_and_author(post_id: int, author) -> tuple[Statement, tuple[str, list]]:
    """Lock the essay's row, then the member's, and read what the moderation policy and the
    suspension check ask of the member: one statement (its rows go to _standing())."""
    # The essay's lock: as _lock_post (its stored public count stays exact, and moderators'
    # decisions on its comments, which take it too, wait). It sits in an uncorrelated
    # EXISTS, which Postgres runs once before it reaches the member's row: the essay is locked
    # first, in the order every other writer locks it, so no deadlock.
    # The member's lock serialises their submissions across essays, so the pace check counts
    # them all; FOR NO KEY UPDATE leaves the row free for foreign-key checks and reads.
    statement = _lock_statement(
        setting("COMMENTS_TRUSTED_GROUP"), setting("COMMENTS_AUTO_APPROVE_AFTER") > 0
    )
    return statement, bound(statement, {ESSAY_STAND_IN: post_id, MEMBER_STAND_IN: author.pk})


def _standing(author, statement: Statement, rows: list[list]) -> dict | None:
    """What the lock statement read of the member, or None when the essay or member is gone."""
    standing = as_dict(statement, rows)
    if standing is None:
        return None
    author._moderator_cache = standing["is_moderator_now"]  # as is_moderator() keeps it
    return standing


# What posting (the view, the service and the pages it answers with) reads of the essay: without
# its text (often tens of kilobytes, three times over with its HTML and search copies), only its
# title, address and comment settings.
POSTING_NEEDS = (
    "title",
    "slug",
    "status",
    "published_at",
    "comment_mode",
    "comments_close_after_days",
)


@functools.cache
def _essay_statement() -> Statement:
    # Compiled once per process (see config.database.compiled), as every post reads it.
    essays = Post.objects.published(now=NOW_STAND_IN).only(*POSTING_NEEDS)
    return compile_instances(essays.filter(pk=ESSAY_STAND_IN).order_by()[:1])


def essay_to_post_on(post_id: int) -> Post | None:
    """The published essay a comment is posted on (what posting needs of it), or None."""
    return fetch_instance(*_essay_read(post_id))


def _essay_read(post_id: int) -> tuple[Statement, dict]:
    return _essay_statement(), {ESSAY_STAND_IN: post_id, NOW_STAND_IN: timezone.now()}


@functools.cache
def _parent_statement() -> Statement:
    # Compiled once per process (see config.database.compiled): a reply's parent, with its author.
    return compile_instances(
        Comment.objects.select_related("author").filter(pk=COMMENT_STAND_IN).order_by()[:1]
    )


def _parent_read(parent: Comment | int) -> tuple[Statement, tuple[str, list]]:
    # Read again, under the essay's lock, whatever the caller holds: moderators' decisions take
    # that lock too, so the status checked is the one the reply is stored against. With its
    # author: the JSON answer says whom the reply answers.
    parent_id = parent.pk if isinstance(parent, Comment) else parent
    statement = _parent_statement()
    return statement, bound(statement, {COMMENT_STAND_IN: parent_id})


def _checked_parent(*, post: Post, author, parent: Comment | None) -> Comment | None:
    # `parent`: the row _parent_read() found under the lock, or None.
    unavailable = _("The comment you are replying to is not available.")
    if parent is None:
        raise CommentRefused(unavailable)
    if parent.post_id != post.pk:
        raise CommentRefused(_("You can only reply to a comment on the same essay."))
    # Replies go under public comments (or one's own awaiting moderation), even for moderators.
    if (
        parent.status != Comment.Status.APPROVED and parent.author_id != author.pk
    ) or not parent.is_visible_to(author):
        raise CommentRefused(unavailable)
    if parent.depth + 1 >= setting("COMMENTS_MAX_DEPTH"):
        raise CommentRefused(
            _("This conversation is nested as deeply as it can go; reply further up the thread.")
        )
    return parent


def _same_text(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _history(*, post_id: int, author, token) -> tuple[Statement, tuple[str, list]]:
    # The member's comments that the token, pace, flood and duplicate checks need, in one query
    # after the member's lock (so it sees their submission that held it): (pk, post id, body,
    # created_at, submission token).
    window = max(setting("COMMENTS_RATE_WINDOW"), setting("COMMENTS_FLOOD_SECONDS"))
    since = timezone.now() - timedelta(seconds=window)
    values = {MEMBER_STAND_IN: author.pk, ESSAY_STAND_IN: post_id, NOW_STAND_IN: since}
    if token is not None:
        values[TOKEN_STAND_IN] = token
    statement = _history_statement(with_token=token is not None)
    return statement, bound(statement, values)


@functools.cache
def _history_statement(*, with_token: bool) -> Statement:
    # Compiled once per process (see config.database.compiled), with and without a token: compiling
    # it cost more CPU than the database takes to answer it.
    wanted = Q(post_id=ESSAY_STAND_IN) | Q(created_at__gte=NOW_STAND_IN)
    if with_token:
        wanted |= Q(submission_token=TOKEN_STAND_IN)
    rows = Comment.objects.filter(author_id=MEMBER_STAND_IN).filter(wanted).order_by()
    return compile_queryset(
        rows.values_list("pk", "post_id", "body", "created_at", "submission_token")
    )


def _check_pace(*, post: Post, author, body: str, history: list[tuple]) -> None:
    if is_moderator(author):
        return
    flood = timezone.now() - timedelta(seconds=setting("COMMENTS_FLOOD_SECONDS"))
    if any(created_at > flood for _, _, _, created_at, _ in history):
        raise CommentRefused(
            _("You're posting too quickly — wait a few seconds."),
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    since = timezone.now() - timedelta(seconds=setting("COMMENTS_RATE_WINDOW"))
    recent = sum(created_at >= since for _, _, _, created_at, _ in history)
    if recent >= setting("COMMENTS_RATE_LIMIT"):
        raise CommentRefused(
            _("You have posted several comments in a short time. Please wait a few minutes."),
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    # Trailing spaces, line breaks or capitals do not make the same text a new comment.
    earlier = (text for _, post_id, text, _, _ in history if post_id == post.pk)
    if any(_same_text(body, text) for text in earlier):
        raise CommentRefused(
            _("You have already posted this text on this essay."),
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )


def comment_submit(
    *,
    post: Post | int,
    author,
    body: str,
    parent: Comment | int | None = None,
    token=None,
    notify_on_approval: bool = False,
) -> Comment:
    """Store a member's comment with the status the moderation policy gives it.

    `post`: the essay, or its id: then the published essay is read (as essay_to_post_on() reads
    it) with the checks' reads, in the same round trip, and EssayNotFound raised if there is
    none. `parent`: the comment replied to, or its id (read again either way, under the lock). A
    second submission with the same token (a double click) returns the first comment."""
    if author is None or not author.is_authenticated or not author.is_active:
        raise CommentRefused(_("Please log in to comment."), status=HTTPStatus.FORBIDDEN)
    try:
        try:
            return _submit(post, author, body, parent, token, notify_on_approval)
        except NotSupportedError as error:
            if not is_stale_plan(error):
                raise
            # A migration (another process, while the site serves) changed the type of a column
            # a prepared read returns: the transaction is lost, nothing of it stored, and its
            # rollback made psycopg forget the statements prepared here. Once more, prepared anew.
            return _submit(post, author, body, parent, token, notify_on_approval)
    except IntegrityError:
        if token is None:
            raise
        # Same token committed by a concurrent request: the author lock makes this rare.
        return Comment.objects.get(author=author, submission_token=token)


def _submit(post, author, body, parent, token, notify_on_approval) -> Comment:
    closed = CommentRefused(_("Comments are closed on this essay."), status=HTTPStatus.FORBIDDEN)
    with transaction.atomic():
        # What the checks read, in one round trip: the lock, then the essay (unless the caller
        # has it), the member's history and the reply's parent. Postgres runs each after the one
        # before, so the reads come after the locks are held and see what a submission that held
        # them committed.
        post_id = post.pk if isinstance(post, Post) else post
        reads = {
            "standing": _lock_post_and_author(post_id, author),
            "history": _history(post_id=post_id, author=author, token=token),
        }
        if not isinstance(post, Post):
            statement, values = _essay_read(post_id)
            reads["essay"] = statement, bound(statement, values)
        if parent is not None:
            reads["parent"] = _parent_read(parent)
        found = together(*(step for _, step in reads.values()))
        rows = {
            name: converted(statement, found_rows)
            for (name, (statement, _)), found_rows in zip(reads.items(), found, strict=True)
        }
        if "essay" in rows:
            post = as_instance(reads["essay"][0], rows["essay"])
            if post is None:
                raise EssayNotFound
        standing = _standing(author, reads["standing"][0], rows["standing"])
        if standing is None:
            raise closed  # the essay was deleted meanwhile
        if standing["is_suspended"]:
            refuse_if_suspended(author)
        history = rows["history"]
        earlier = next((row[0] for row in history if token is not None and row[4] == token), None)
        if earlier is not None:
            earlier = Comment.objects.get(pk=earlier)
            if earlier.post_id == post.pk:
                earlier.post = post  # as the caller's answer shows it, without reading it again
            return earlier
        if not post.comments_are_open():
            raise closed
        validate_body(body)
        if parent is not None:
            parent = _checked_parent(
                post=post, author=author, parent=as_instance(reads["parent"][0], rows["parent"])
            )
        _check_pace(post=post, author=author, body=body, history=history)
        decision = policy.decide(author=author, body=body, standing=standing)
        comment = Comment(
            pk=standing["new_comment_id"],
            post=post,
            author=author,
            parent=parent,
            body=body,
            status=decision.status,
            moderation_reason=decision.reason,
            submission_token=token,
            notify_on_approval=notify_on_approval,
        )
        comment.derive_fields()
        values = {
            COMMENT_STAND_IN: comment.pk,
            MEMBER_STAND_IN: author.pk,
            TEXT_STAND_IN: decision.status,
            SECOND_TEXT_STAND_IN: decision.reason,
            NOW_STAND_IN: timezone.now(),
        }
        # Every write in one statement: the comment (as save() would store it), its audit event,
        # and what its status causes (the essay's count, the task row of its mail). None depends
        # on another's effect (the event's reference to the comment is checked at the commit).
        with written_as_one():
            insert_new(_comment_insert(), comment)
            run(_submitted_statement(), values)
            if comment.is_public():
                # Counted up rather than again: the essay's lock keeps the stored count exact.
                post.public_comment_added()
                announcements.comment_published(comment)
            elif comment.status == Comment.Status.PENDING:
                notifications.comments_waiting()
        if comment.is_public():
            public_pages_changed(essay_scope(post), "lists")  # after the commit, in the cache
        elif comment.status == Comment.Status.PENDING:
            waiting.waiting_changed()  # after the commit, in the cache: no query
    return comment


@functools.cache
def _comment_insert():
    # Compiled once per process (see config.database.compiled): every post stores one.
    return compile_full_insert(Comment)


@functools.cache
def _submitted_statement() -> Statement:
    # Compiled once per process (see config.database.compiled): the audit event every post writes.
    return compile_insert(
        ModerationEvent(
            comment_id=COMMENT_STAND_IN,
            actor_id=MEMBER_STAND_IN,
            action=ModerationEvent.Action.SUBMITTED,
            to_status=TEXT_STAND_IN,
            reason=SECOND_TEXT_STAND_IN,
            created_at=NOW_STAND_IN,
        )
    )
