"""Comments brought over from another site (an import), written in bulk through one service.

Imported comments keep their date, their thread and the status they had; nobody is e-mailed
about them. Each gets a ModerationEvent saying it was imported and what it was there."""

from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from comments import waiting
from comments.conf import setting
from comments.models import Comment, ModerationEvent, guest_email_digest
from comments.services import refresh_public_count
from comments.text import render_comment_text


@dataclass(slots=True)
class ImportedComment:
    """One comment as the old site had it."""

    original_id: int
    parent_original_id: int | None
    body: str
    status: str  # a Comment.Status value
    created_at: datetime
    author: object = None  # a User, when the commenter is a member here
    guest_name: str = ""
    guest_email: str = ""
    original_status: str = ""  # the old site's word for its status, for the audit trail


@dataclass
class CommentsImported:
    created: int = 0
    kept: int = 0  # imported by an earlier run: left as moderators may have changed them since
    orphans: int = 0  # parent missing from the export: made top-level
    flattened: int = 0  # nested deeper than threads go: filed higher, shown in reply to parent
    ids: dict = field(default_factory=dict)  # original id → id here, of those created now


def _parents_first(comments: list[ImportedComment], known: set[int]):
    """The comments in an order where every parent comes before its replies, each with its
    parent's original id (None for top level). Iterative: a 10,000-level chain is no problem."""
    by_id = {c.original_id: c for c in comments}
    children = defaultdict(list)
    starts = []
    for comment in comments:
        parent = comment.parent_original_id
        if parent and (parent in by_id or parent in known) and parent != comment.original_id:
            children[parent].append(comment)
        else:
            starts.append((comment, None, bool(parent)))
    for parent in known:
        starts.extend((child, parent, False) for child in children.pop(parent, ()))
    queue, seen = deque(starts), set()
    while True:
        while queue:
            comment, parent, orphan = queue.popleft()
            if comment.original_id in seen:
                continue
            seen.add(comment.original_id)
            yield comment, parent, orphan
            queue.extend(
                (child, comment.original_id, False) for child in children[comment.original_id]
            )
        # What is left hangs in a loop of parents (a corrupt export): break it at the oldest.
        left = [c for c in comments if c.original_id not in seen]
        if not left:
            return
        queue.append((min(left, key=lambda c: (c.created_at, c.original_id)), None, True))


def _new_ids(count: int) -> list[int]:
    # Ids taken from the table's own sequence up front, so a whole thread (replies pointing at
    # parents) is written in one INSERT rather than one per level.
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def comments_import(
    *, post, comments: list[ImportedComment], source: str, post_is_new: bool = False
) -> CommentsImported:
    """Store an essay's imported comments with their threads; those already imported stay.
    `post_is_new`: the essay was created just now, so it has no comments to look up."""
    result = CommentsImported()
    max_depth = setting("COMMENTS_MAX_DEPTH")
    # original id → (id, parent id, depth, root id) of what an earlier run stored.
    placed = {}
    if not post_is_new:
        placed = {
            original: (pk, parent_id, depth, root_id)
            for original, pk, parent_id, depth, root_id in Comment.objects.filter(
                post=post, original_id__isnull=False
            ).values_list("original_id", "id", "parent_id", "depth", "root_id")
        }
    fresh = [c for c in comments if c.original_id not in placed]
    result.kept = len(comments) - len(fresh)
    reason = _("Imported from %(source)s, where its status was “%(status)s”.")
    if not fresh:
        return result
    ids = iter(_new_ids(len(fresh)))
    rows, events = [], []
    for comment, parent_original, orphan in _parents_first(fresh, set(placed)):
        pk = next(ids)
        result.orphans += orphan
        parent_id, depth, root_id, reply_to_id = None, 0, None, None
        if parent_original is not None:
            real_pk, real_parent_id, real_depth, real_root = placed[parent_original]
            root_id = real_root or real_pk
            if real_depth + 1 < max_depth:
                parent_id, depth = real_pk, real_depth + 1
            else:  # the deepest level: filed beside its parent, shown in reply to it
                parent_id, depth, reply_to_id = real_parent_id, real_depth, real_pk
                result.flattened += 1
        placed[comment.original_id] = (pk, parent_id, depth, root_id)
        result.ids[comment.original_id] = pk
        guest = comment.author is None
        rows.append(
            {
                "id": pk,
                "post_id": post.pk,
                "author_id": None if guest else comment.author.pk,
                "guest_name": comment.guest_name[:150] if guest else "",
                "guest_email_hash": guest_email_digest(comment.guest_email)
                if guest and comment.guest_email
                else "",
                "original_id": comment.original_id,
                "parent_id": parent_id,
                "root_id": root_id,
                "depth": depth,
                "reply_to_id": reply_to_id,
                "body": comment.body,
                "body_html": render_comment_text(comment.body),
                "status": comment.status,
                "created_at": comment.created_at,
                "updated_at": comment.created_at,
            }
        )
        events.append(
            {
                "comment_id": pk,
                "action": ModerationEvent.Action.IMPORTED,
                "to_status": comment.status,
                "reason": reason
                % {"source": source, "status": comment.original_status or comment.status},
                "created_at": comment.created_at,
            }
        )
    with transaction.atomic():
        copy_rows(Comment, rows)
        copy_rows(ModerationEvent, events)
        if post_is_new:  # every comment is here: count the public ones without a query
            approved = sum(row["status"] == Comment.Status.APPROVED for row in rows)
            post.public_comments_changed(comment_count=approved)
        else:
            refresh_public_count(post)
        if any(row["status"] == Comment.Status.PENDING for row in rows):
            waiting.waiting_changed()
    result.created = len(rows)
    return result


def copy_rows(model, rows: list[dict]) -> None:
    """Insert rows with Postgres's COPY: for tens of thousands of comments, several times faster
    than INSERT. Columns a row leaves out get the field's default, as a model instance would."""
    # The primary key from the table's sequence, unless the rows bring their own.
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    defaults = [f.get_default() for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [row.get(f.attname, default) for f, default in zip(fields, defaults, strict=True)]
            )
