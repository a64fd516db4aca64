"""The essay page's thread: fetched in one query, assembled into a tree in linear time, and
flattened into the order the template writes it, so the template needs neither recursion nor
queries. `comment_thread` is the one function the blog app calls."""

import uuid
import zlib
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.forms import CommentForm
from comments.models import Comment, is_moderator, moderators

AVATAR_TONES = 8
PLACEHOLDER_TEXT = {
    Comment.Status.PENDING: _("This comment is awaiting moderation."),
    Comment.Status.REJECTED: _("This comment was removed."),
    Comment.Status.SPAM: _("This comment was removed."),
    Comment.Status.REMOVED: _("This comment was removed."),
}


def initials(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def avatar_tone(key) -> int:
    """A stable colour (one of AVATAR_TONES) for a generated avatar."""
    return zlib.crc32(str(key).encode()) % AVATAR_TONES


def decorate(comment: Comment, *, viewer, essay_author_ids=frozenset(), moderator_ids=frozenset()):
    """Give one comment what the template shows: name, avatar, badges, links, state."""
    author = comment.author
    comment.children = []
    comment.closers = []
    comment.parent_node = None
    comment.is_placeholder = not getattr(comment, "is_visible", True)
    comment.html = getattr(comment, "shown_html", None)
    if comment.html is None:
        comment.html = comment.body_html if not comment.is_placeholder else ""
    comment.is_erased = author is None and not comment.guest_name
    comment.name = comment.display_name
    comment.avatar_url = ""
    if author is not None and author.avatar_url.startswith(("https://", "http://")):
        comment.avatar_url = author.avatar_url
    comment.initials = initials(comment.name)
    comment.tone = avatar_tone(comment.author_id or comment.name)
    comment.is_essay_author = comment.author_id in essay_author_ids
    comment.is_moderator_badge = comment.author_id in moderator_ids
    comment.is_own = viewer.is_authenticated and comment.author_id == viewer.pk
    comment.is_pending = comment.status == Comment.Status.PENDING
    comment.placeholder_text = PLACEHOLDER_TEXT.get(comment.status, "")
    comment.permalink = f"#comment-{comment.pk}"
    comment.reply_url = reverse("comments:reply", kwargs={"pk": comment.pk})
    return comment


@dataclass
class Thread:
    post: object
    nodes: list = field(default_factory=list)
    viewer_is_moderator: bool = False
    comments_open: bool = False
    form: CommentForm | None = None
    max_depth: int = 5

    @property
    def respond_url(self) -> str:
        return f"{self.post.get_absolute_url()}#respond"

    @property
    def public_count(self) -> int:
        return self.post.comment_count


def _assemble(rows: list[Comment]) -> list[Comment]:
    """Link rows into a tree, drop hidden comments with nothing visible below them, and return
    the nodes in reading order (depth first), each leaf knowing how many lists it closes."""
    by_id = {row.pk: row for row in rows}
    roots = []
    for row in rows:
        parent = by_id.get(row.parent_id)
        if parent is None:
            roots.append(row)
        else:
            row.parent_node = parent
            parent.children.append(row)
    # Rows come oldest first and replies are younger than what they answer, so walking backwards
    # settles every child before its parent: a placeholder stays only above something visible.
    keep = {}
    for row in reversed(rows):
        keep[row.pk] = not row.is_placeholder or any(keep[c.pk] for c in row.children)
    ordered = []
    stack = [(root, False) for root in reversed(roots) if keep[root.pk]]
    while stack:
        node, finished = stack.pop()
        if finished:
            ordered[-1].closers.append(None)  # the subtree's last node closes this node's list
            continue
        node.children = [child for child in node.children if keep[child.pk]]
        ordered.append(node)
        if node.children:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    return ordered


def comment_thread(*, post, viewer) -> Thread:
    """The thread of an essay as this viewer may see it, ready for the template."""
    moderating = is_moderator(viewer)
    max_depth = setting("COMMENTS_MAX_DEPTH")
    essay_author_ids = {author.user_id for author in post.authors.all() if author.user_id}
    moderator_ids = set(moderators().values_list("pk", flat=True))
    rows = list(Comment.objects.for_thread(post=post, viewer=viewer))
    for row in rows:
        decorate(row, viewer=viewer, essay_author_ids=essay_author_ids, moderator_ids=moderator_ids)
    nodes = _assemble(rows)
    open_ = post.comments_are_open()
    for node in nodes:
        node.can_reply = open_ and not node.is_placeholder and node.depth + 1 < max_depth
        node.can_edit = node.is_own and node.can_be_edited_by(viewer)
    return Thread(
        post=post,
        nodes=nodes,
        viewer_is_moderator=moderating,
        comments_open=open_,
        form=CommentForm(initial={"token": uuid.uuid4()}) if open_ else None,
        max_depth=max_depth,
    )
