"""Every write to comments goes through these functions: the views, the moderation queue, the
admin and the demo command call the same code. Each writes its ModerationEvent in the same
transaction and queues its mail with it (comments.background: in the same transaction when the
queue is in the database, after the commit otherwise)."""

import functools
from datetime import timedelta
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import is_invisible
from blog.models import Post
from comments import announcements, notifications, policy, waiting
from comments.conf import setting
from comments.models import (
    CannedReason,
    Comment,
    CommentRevision,
    ModerationEvent,
    Suspension,
    is_moderator,
)
from comments.suspensions import active_suspension, suspension_notice
from config.database.compiled import (
    COMMENT_STAND_IN,
    ESSAY_STAND_IN,
    MEMBER_STAND_IN,
    NOW_STAND_IN,
    SECOND_TEXT_STAND_IN,
    TEXT_STAND_IN,
    TOKEN_STAND_IN,
    Statement,
    compile_insert,
    compile_instances,
    compile_queryset,
    fetch_all,
    fetch_instance,
    fetch_one,
    run,
)
from config.page_cache import essay_scope, public_pages_changed


class CommentRefused(Exception):
    """A submission that was not stored, with a message for the member and an HTTP status."""

    def __init__(self, message: str, *, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.message = message
        self.status = status


def refuse_if_suspended(member) -> None:
    """A suspended member reads, but does not post, edit, reply or report: say why."""
    suspension = active_suspension(member)
    if suspension is not None:
        raise CommentRefused(suspension_notice(suspension), status=HTTPStatus.FORBIDDEN)


def _lock_post(post: Post) -> None:
    # Serialises writes under one essay, so public counts and rate checks see each other.
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").first()


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
    return compile_queryset(policy.standing_of(users).annotate(is_suspended=suspended))


def _lock_post_and_author(post: Post, author) -> dict | None:
    """Lock the essay's row, then the member's, and read what the moderation policy and the
    suspension check ask of the member: one statement. None when either row is gone."""
    # The essay's lock: as _lock_post (its stored public count stays exact, and moderators'
    # decisions on its comments, which take it too, wait). It sits in an uncorrelated
    # EXISTS, which Postgres runs once before it reaches the member's row: the essay is locked
    # first, in the order every other writer locks it, so no deadlock.
    # The member's lock serialises their submissions across essays, so the pace check counts
    # them all; FOR NO KEY UPDATE leaves the row free for foreign-key checks and reads.
    statement = _lock_statement(
        setting("COMMENTS_TRUSTED_GROUP"), setting("COMMENTS_AUTO_APPROVE_AFTER") > 0
    )
    standing = fetch_one(statement, {ESSAY_STAND_IN: post.pk, MEMBER_STAND_IN: author.pk})
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
    return fetch_instance(
        _essay_statement(), {ESSAY_STAND_IN: post_id, NOW_STAND_IN: timezone.now()}
    )


def _public_view_changes(comment: Comment, from_status: str, to_status: str) -> bool:
    # Going in or out of public view, or changing what a placeholder says above visible replies.
    return Comment.Status.APPROVED in (from_status, to_status) or comment.replies.exists()


def refresh_public_count(post: Post) -> None:
    """Store the essay's public comment count and mark its cached pages stale."""
    public = Comment.objects.filter(post=post).public().values("post").annotate(n=Count("pk"))
    post.public_comments_changed(comment_count=Coalesce(Subquery(public.values("n")), 0))
    public_pages_changed(essay_scope(post), "lists")


def validate_body(body: str) -> str:
    """The text a member may post: not blank, no NUL characters, not over the limit."""
    if "\x00" in body:
        raise CommentRefused(_("The text contains a NUL character, which cannot be stored."))
    if is_invisible(body):  # blank, or only zero-width and other invisible characters
        raise CommentRefused(_("Please write something before posting."))
    limit = setting("COMMENTS_MAX_LENGTH")
    if len(body) > limit:
        raise CommentRefused(
            _("Comments can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": limit, "length": len(body)}
        )
    return body


@functools.cache
def _parent_statement() -> Statement:
    # Compiled once per process (see config.database.compiled): a reply's parent, with its author.
    return compile_instances(
        Comment.objects.select_related("author").filter(pk=COMMENT_STAND_IN).order_by()[:1]
    )


def _current_parent(*, post: Post, author, parent: Comment | int | None) -> Comment | None:
    # Read here, under the essay's lock, whatever the caller holds: moderators' decisions take
    # that lock too, so the status checked is the one the reply is stored against. With its
    # author: the JSON answer says whom the reply answers.
    if parent is None:
        return None
    parent_id = parent.pk if isinstance(parent, Comment) else parent
    parent = fetch_instance(_parent_statement(), {COMMENT_STAND_IN: parent_id})
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


def _history(*, post: Post, author, token) -> list[tuple]:
    # The member's comments that the token, pace, flood and duplicate checks need, in one query
    # after the member's lock (so it sees their submission that held it): (pk, post id, body,
    # created_at, submission token).
    window = max(setting("COMMENTS_RATE_WINDOW"), setting("COMMENTS_FLOOD_SECONDS"))
    since = timezone.now() - timedelta(seconds=window)
    values = {MEMBER_STAND_IN: author.pk, ESSAY_STAND_IN: post.pk, NOW_STAND_IN: since}
    if token is not None:
        values[TOKEN_STAND_IN] = token
    return fetch_all(_history_statement(with_token=token is not None), values)


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
    post: Post,
    author,
    body: str,
    parent: Comment | int | None = None,
    token=None,
    notify_on_approval: bool = False,
) -> Comment:
    """Store a member's comment with the status the moderation policy gives it.

    `parent`: the comment replied to, or its id (read again either way, under the lock). A
    second submission with the same token (a double click) returns the first comment."""
    if author is None or not author.is_authenticated or not author.is_active:
        raise CommentRefused(_("Please log in to comment."), status=HTTPStatus.FORBIDDEN)
    try:
        return _submit(post, author, body, parent, token, notify_on_approval)
    except IntegrityError:
        if token is None:
            raise
        # Same token committed by a concurrent request: the author lock makes this rare.
        return Comment.objects.get(author=author, submission_token=token)


def _submit(post, author, body, parent, token, notify_on_approval) -> Comment:
    closed = CommentRefused(_("Comments are closed on this essay."), status=HTTPStatus.FORBIDDEN)
    with transaction.atomic():
        standing = _lock_post_and_author(post, author)
        if standing is None:
            raise closed  # the essay was deleted meanwhile
        if standing["is_suspended"]:
            refuse_if_suspended(author)
        history = _history(post=post, author=author, token=token)
        earlier = next((row[0] for row in history if token is not None and row[4] == token), None)
        if earlier is not None:
            return Comment.objects.get(pk=earlier)
        if not post.comments_are_open():
            raise closed
        validate_body(body)
        parent = _current_parent(post=post, author=author, parent=parent)
        _check_pace(post=post, author=author, body=body, history=history)
        decision = policy.decide(author=author, body=body, standing=standing)
        comment = Comment(
            post=post,
            author=author,
            parent=parent,
            body=body,
            status=decision.status,
            moderation_reason=decision.reason,
            submission_token=token,
            notify_on_approval=notify_on_approval,
        )
        comment.save()
        values = {
            COMMENT_STAND_IN: comment.pk,
            MEMBER_STAND_IN: author.pk,
            TEXT_STAND_IN: decision.status,
            SECOND_TEXT_STAND_IN: decision.reason,
            NOW_STAND_IN: timezone.now(),
        }
        run(_submitted_statement(), values)  # its audit event
        if comment.is_public():
            # Counted up rather than again: the essay's lock keeps the stored count exact.
            post.public_comment_added()
            public_pages_changed(essay_scope(post), "lists")
            announcements.comment_published(comment)
        elif comment.status == Comment.Status.PENDING:
            notifications.comments_waiting()
            waiting.waiting_changed()  # after the commit, in the cache: no query
    return comment


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


# The event each decision writes, by the status it gives.
DECISION_EVENTS = {
    Comment.Status.APPROVED: ModerationEvent.Action.APPROVED,
    Comment.Status.REJECTED: ModerationEvent.Action.REJECTED,
    Comment.Status.SPAM: ModerationEvent.Action.SPAM,
    Comment.Status.REMOVED: ModerationEvent.Action.REMOVED,
}


# Decisions a member is told the reason for (a comment filed as spam is not explained).
TOLD_DECISIONS = (Comment.Status.REJECTED, Comment.Status.REMOVED)
REASON_LENGTH = ModerationEvent._meta.get_field("reason").max_length


def member_notice(*, reason: str, canned_reason: CannedReason | None) -> str:
    """What the member reads: the canned reason's text, then the moderator's own words."""
    if canned_reason is not None and not isinstance(canned_reason, CannedReason):
        raise CommentRefused(_("Pick a reason from the list of canned reasons."))
    if len(reason) > REASON_LENGTH:
        raise CommentRefused(
            _("A reason can be at most %(limit)d characters long; this one has %(length)d.")
            % {"limit": REASON_LENGTH, "length": len(reason)}
        )
    told = [canned_reason.text if canned_reason else "", reason.strip()]
    return "\n\n".join(part for part in told if part)


def _decide(comment: Comment, moderator, to_status: str, reason: str, canned_reason=None) -> bool:
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    notice = member_notice(reason=reason, canned_reason=canned_reason)
    if to_status not in TOLD_DECISIONS:
        notice, canned_reason = "", None
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.status = to_status
        if current.status == to_status:
            return False  # idempotent: deciding the same twice changes nothing twice
        from_status = current.status
        # Members and followers hear of a comment once, on its first publication: approving a
        # declined comment announces it; approving one again after a removal or an edit does not.
        # (The mail's task looks again when it runs: a comment no longer public is not mailed.)
        first_publication = (
            to_status == Comment.Status.APPROVED
            and not current.events.filter(to_status=Comment.Status.APPROVED).exists()
        )
        current.status = to_status
        current.save(update_fields=["status", "updated_at"])
        # A moderator has looked at the comment: whatever members reported is settled.
        current.reports.open().update(resolved_at=timezone.now())
        event = ModerationEvent.objects.create(
            comment=current,
            actor=moderator,
            action=DECISION_EVENTS[to_status],
            from_status=from_status,
            to_status=to_status,
            reason=reason.strip(),
            canned_reason=canned_reason,
            member_notice=notice if current.author_id else "",
        )
        if event.member_notice:
            notifications.decision_explained(event)
        if from_status == Comment.Status.PENDING:
            waiting.waiting_changed()
        if _public_view_changes(current, from_status, to_status):
            refresh_public_count(comment.post)
        if first_publication:
            announcements.comment_published(current)
    return True


def comment_approve(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Make a comment public. Returns False when it already was (canned_reason is ignored)."""
    return _decide(comment, moderator, Comment.Status.APPROVED, reason, canned_reason)


def comment_reject(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Decline a comment: it stays stored, visible to moderators only. A reason given (canned,
    free text or both) is shown to its author and mailed to them if they want it."""
    return _decide(comment, moderator, Comment.Status.REJECTED, reason, canned_reason)


def comment_mark_spam(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """File a comment as spam (its author is not told why: canned_reason is ignored)."""
    return _decide(comment, moderator, Comment.Status.SPAM, reason, canned_reason)


def comment_remove(
    *, comment: Comment, moderator, reason: str = "", canned_reason: CannedReason | None = None
) -> bool:
    """Take a published comment down; its replies keep their place under a placeholder. A reason
    given is shown to its author, as for comment_reject."""
    return _decide(comment, moderator, Comment.Status.REMOVED, reason, canned_reason)


def _lock_own_comment(comment: Comment, user, refusal: str, *, allowed=Comment.can_be_edited_by):
    # The caller's instance may be stale (a moderator decided since the page was loaded): the
    # permission and the starting status come from the locked row, never from that instance.
    _lock_post(comment.post)
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if not allowed(current, user):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    return current


def comment_withdraw(*, comment: Comment, author) -> bool:
    """An author takes back their own comment, at any time (kept, like any removal: it leaves a
    placeholder above replies, and nothing where it had none)."""
    refusal = _("This comment can no longer be deleted.")
    if not comment.can_be_deleted_by(author):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    with transaction.atomic():
        current = _lock_own_comment(comment, author, refusal, allowed=Comment.can_be_deleted_by)
        from_status = current.status
        current.status = comment.status = Comment.Status.REMOVED
        current.save(update_fields=["status", "updated_at"])
        ModerationEvent.objects.create(
            comment=current,
            actor=author,
            action=ModerationEvent.Action.REMOVED,
            from_status=from_status,
            to_status=Comment.Status.REMOVED,
            reason=_("Deleted by its author."),
        )
        if from_status == Comment.Status.PENDING:
            waiting.waiting_changed()
        if _public_view_changes(current, from_status, Comment.Status.REMOVED):
            refresh_public_count(comment.post)
    return True


def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """An author's correction within the edit window; the old text is kept as a revision and the
    policy looks at the new text again. An edit never raises the status: a held comment stays
    held (or becomes spam), a published one may go back to moderation."""
    refusal = _("This comment can no longer be edited.")
    if not comment.can_be_edited_by(editor):
        raise CommentRefused(refusal, status=HTTPStatus.FORBIDDEN)
    refuse_if_suspended(editor)
    validate_body(body)
    with transaction.atomic():
        current = _lock_own_comment(comment, editor, refusal)
        if body == current.body:
            return current
        CommentRevision.objects.create(comment=current, body=current.body)
        decision = policy.decide(author=editor, body=body)
        from_status = current.status
        # Only a moderator publishes a held comment; the policy may only hold or file as spam.
        if decision.status != Comment.Status.APPROVED:
            current.status, current.moderation_reason = decision.status, decision.reason
        current.body, current.edited_at = body, timezone.now()
        current.save(
            update_fields=["body", "status", "moderation_reason", "edited_at", "updated_at"]
        )
        ModerationEvent.objects.create(
            comment=current,
            actor=editor,
            action=ModerationEvent.Action.EDITED,
            from_status=from_status,
            to_status=current.status,
            reason=decision.reason if current.status != from_status else "",
        )
        if Comment.Status.APPROVED in (from_status, current.status):
            refresh_public_count(comment.post)
        if current.status == Comment.Status.PENDING and from_status != current.status:
            notifications.comments_waiting()
        if (
            Comment.Status.PENDING in (from_status, current.status)
            and from_status != current.status
        ):
            waiting.waiting_changed()
    return current


def comment_redact(*, comment: Comment, moderator, body: str, reason: str) -> Comment:
    """A moderator changes the text readers see, saying why; the member's text is kept in the
    history (for moderators only) and readers see "edited by a moderator"."""
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators may do this."))
    if is_invisible(reason or ""):
        raise CommentRefused(_("Say why you edit this comment; the reason is kept in its history."))
    validate_body(body)
    with transaction.atomic():
        _lock_post(comment.post)
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if body == current.body:
            raise CommentRefused(_("The text is unchanged."))
        CommentRevision.objects.create(comment=current, body=current.body)
        current.body, current.redacted_at = body, timezone.now()
        current.save(update_fields=["body", "redacted_at", "updated_at"])
        ModerationEvent.objects.create(
            comment=current,
            actor=moderator,
            action=ModerationEvent.Action.REDACTED,
            from_status=current.status,
            to_status=current.status,
            reason=reason.strip(),
        )
        if current.status == Comment.Status.APPROVED:
            refresh_public_count(current.post)  # readers' cached pages show the new text
    return current
