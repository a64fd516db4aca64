"""One comment as a viewer sees it (Node), made from a thread's rows or from a Comment, and the
tree: nodes linked in linear time and flattened into reading order. Apart from comments.thread,
which chooses the rows and caches what the public sees, because the reply page, the moderation
queue and a comment just posted show nodes too."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.avatars import Avatar, avatar_for
from comments.conf import setting
from comments.models import Comment, is_editable

PLACEHOLDER_TEXT = {
    Comment.Status.PENDING: _("This comment is awaiting moderation."),
    Comment.Status.REJECTED: _("This comment was removed."),
    Comment.Status.SPAM: _("This comment was removed."),
    Comment.Status.REMOVED: _("This comment was removed."),
}


@dataclass(slots=True, eq=False)
class Node:
    """One comment as a viewer sees it, with everything its markup needs already worked out."""

    pk: int
    parent_id: int | None
    depth: int
    status: str
    created_at: datetime
    author_id: int | None
    name: str
    avatar: Avatar
    html: SafeString
    edited_at: datetime | None = None
    redacted_at: datetime | None = None
    is_placeholder: bool = False
    is_erased: bool = False
    is_essay_author: bool = False
    is_moderator_badge: bool = False
    is_own: bool = False
    can_reply: bool = False
    can_edit: bool = False
    reply_to_id: int | None = None  # an imported reply's real parent, when not `parent_id`
    original_id: int | None = None  # its number on the site it was imported from
    can_report: bool = False
    children: list = field(default_factory=list)
    closers: int = 0  # how many reply lists this node's markup closes after itself
    parent_node: "Node | None" = None
    reply_to_node: "Node | None" = None

    @property
    def is_pending(self) -> bool:
        return self.status == Comment.Status.PENDING

    @property
    def placeholder_text(self):
        return PLACEHOLDER_TEXT.get(self.status, "")

    @property
    def status_display(self):
        return Comment.Status(self.status).label


def node_from_comment(comment: Comment, *, viewer) -> Node:
    """A Node for one Comment instance (reply page, queue, a comment just posted)."""
    author = comment.author
    name = comment.display_name
    return Node(
        pk=comment.pk,
        parent_id=comment.parent_id,
        depth=comment.depth,
        status=comment.status,
        created_at=comment.created_at,
        author_id=comment.author_id,
        name=name,
        avatar=author.avatar if author else avatar_for(key=name, name=name),
        # body_html is produced from escaped text by comments.text when the comment is saved.
        html=SafeString(comment.body_html),
        edited_at=comment.edited_at,
        redacted_at=comment.redacted_at,
        is_erased=author is None and not comment.guest_name,
        is_own=viewer.is_authenticated and comment.author_id == viewer.pk,
    )


def _permit(node: Node, *, open_: bool, max_depth: int, viewer) -> None:
    """Whether the viewer may reply to this comment and edit it (the card shows those links)."""
    node.can_reply = (
        open_
        and (node.status == Comment.Status.APPROVED or node.is_own)
        and node.depth + 1 < max_depth
    )
    node.can_edit = node.is_own and is_editable(
        author_id=node.author_id, status=node.status, created_at=node.created_at, user=viewer
    )


def node_just_posted(comment: Comment, *, viewer) -> Node:
    """The node of a comment its author has just posted, with the same Reply and Edit links it
    would have in the thread, so the author can use them without reloading the page."""
    node = node_from_comment(comment, viewer=viewer)
    _permit(
        node,
        open_=comment.post.comments_are_open(),
        max_depth=setting("COMMENTS_MAX_DEPTH"),
        viewer=viewer,
    )
    return node


def _nodes_from_rows(rows, *, viewer, essay_author_ids) -> list[Node]:
    User = get_user_model()
    people = {}  # per author: what every one of their comments shows about them
    viewer_id = viewer.pk if viewer.is_authenticated else None
    former = str(_("Former member"))
    nodes = []
    # Rows are tuples in THREAD_FIELDS order (see CommentQuerySet.for_thread).
    for (
        pk,
        parent_id,
        reply_to_id,
        original_id,
        depth,
        status,
        created_at,
        guest_name,
        author_id,
        username,
        display_name,
        first_name,
        last_name,
        picture,
        is_visible,
        shown_html,
        author_is_moderator,
        edited_at,
        redacted_at,
    ) in rows:
        if author_id is None:
            name = guest_name or former
            avatar, is_essay_author, is_moderator_badge = (
                avatar_for(key=name, name=name),
                False,
                False,
            )
        else:
            person = people.get(author_id)
            if person is None:
                # The User model's own rule for a display name, from the row's columns.
                name = User(
                    username=username,
                    display_name=display_name,
                    first_name=first_name,
                    last_name=last_name,
                ).get_display_name()
                person = people[author_id] = (
                    name,
                    avatar_for(key=author_id, name=name, picture=picture or ""),
                    author_id in essay_author_ids,
                    author_is_moderator,
                )
            name, avatar, is_essay_author, is_moderator_badge = person
        nodes.append(
            Node(
                pk=pk,
                parent_id=parent_id,
                reply_to_id=reply_to_id,
                original_id=original_id,
                depth=depth,
                status=status,
                created_at=created_at,
                author_id=author_id,
                name=name,
                avatar=avatar,
                html=SafeString(shown_html),  # stored escaped: see comments.text
                edited_at=edited_at if is_visible else None,
                redacted_at=redacted_at if is_visible else None,
                is_placeholder=not is_visible,
                is_erased=author_id is None and not guest_name,
                is_essay_author=is_essay_author,
                is_moderator_badge=is_moderator_badge,
                is_own=author_id is not None and author_id == viewer_id,
            )
        )
    return nodes


def assemble(nodes: list[Node], *, newest_first: bool = False) -> list[Node]:
    """Link nodes into a tree, drop hidden comments with nothing visible below them, and return
    them in reading order (depth first), each knowing how many reply lists it closes. Replies
    always read oldest first; the threads themselves may come newest first."""
    by_id = {node.pk: node for node in nodes}
    roots = []
    for node in nodes:
        parent = by_id.get(node.parent_id)
        node.reply_to_node = by_id.get(node.reply_to_id)
        if parent is None:
            roots.append(node)
        else:
            node.parent_node = parent
            parent.children.append(node)
    # Walking a depth-first order backwards settles every child before its parent, so a
    # placeholder stays only above something visible. (Not the nodes' date order: an imported
    # reply may carry an earlier date than the comment it answers.)
    preorder, stack = [], list(roots)
    while stack:
        node = stack.pop()
        preorder.append(node)
        stack.extend(node.children)
    keep = {}
    for node in reversed(preorder):
        keep[node.pk] = not node.is_placeholder or any(keep[c.pk] for c in node.children)
    ordered = []
    if newest_first:
        roots.reverse()
    stack = [(root, False) for root in reversed(roots) if keep[root.pk]]
    while stack:
        node, finished = stack.pop()
        if finished:
            ordered[-1].closers += 1  # the subtree's last node closes this node's reply list
            continue
        node.children = [child for child in node.children if keep[child.pk]]
        ordered.append(node)
        if node.children:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
    return ordered
