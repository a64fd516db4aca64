"""The first pass over an export: every record read and checked before anything is written,
so bad input is refused whole. It also gathers what the second pass needs up front (the
attachments featured images point at, the site's time zone, the totals for the progress bar)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from wordpress import wxr


@dataclass
class Survey:
    site: wxr.Site = field(default_factory=wxr.Site)
    authors: list = field(default_factory=list)  # logins
    items_by_type: Counter = field(default_factory=Counter)
    posts_by_status: Counter = field(default_factory=Counter)
    pages: list = field(default_factory=list)  # titles
    comments: int = 0
    comments_by_type: Counter = field(default_factory=Counter)
    attachments: dict = field(default_factory=dict)  # WordPress id → (url, alt text)
    utc_offset: timedelta | None = None  # post_date − post_date_gmt of a dated post

    @property
    def items(self) -> int:
        return sum(self.items_by_type.values())


def survey_export(path) -> Survey:
    """Read the whole export once, checking it; a WxrError says what is wrong."""
    survey = Survey()
    post_ids = {}  # WordPress id → post type
    comment_posts = {}  # comment id → post id, to find replies across posts
    replies = []  # (comment id, parent id, post id)
    for record in wxr.read_export(path):
        if isinstance(record, wxr.Site):
            survey.site = record
        elif isinstance(record, wxr.Author):
            survey.authors.append(record.login)
        elif isinstance(record, wxr.Item):
            _item(survey, record, post_ids, comment_posts, replies)
    for comment_id, parent_id, post_id in replies:
        parent_post = comment_posts.get(parent_id)
        if parent_post is not None and parent_post != post_id:
            raise wxr.WxrError(
                f"Comment {comment_id} (on item {post_id}) answers comment {parent_id}, which "
                f"belongs to another item ({parent_post}): the export is inconsistent."
            )
    return survey


def _item(survey, item, post_ids, comment_posts, replies) -> None:
    # WordPress.com repeats the ids of menu entries (one per menu) and hand-edited exports
    # repeat pages': harmless for what is not imported. Two items claiming a post's id are not.
    earlier = post_ids.get(item.wp_id)
    if earlier is not None and "post" in (earlier, item.post_type):
        raise wxr.WxrError(f"Two items have the same id, {item.wp_id}: the export is corrupt.")
    post_ids.setdefault(item.wp_id, item.post_type)
    survey.items_by_type[item.post_type] += 1
    if item.post_type == "attachment":
        alt = item.meta.get("_wp_attachment_image_alt", "")
        survey.attachments[item.wp_id] = (item.attachment_url, alt)
    elif item.post_type == "page":
        survey.pages.append(item.title or f"#{item.wp_id}")
    elif item.post_type == "post":
        survey.posts_by_status[item.status] += 1
        if survey.utc_offset is None and item.date and item.date_gmt:
            offset = item.date - item.date_gmt
            # Real zones are within ±14 h, in quarter hours; anything else is not a zone.
            if abs(offset) <= timedelta(hours=14) and offset % timedelta(minutes=15) == timedelta():
                survey.utc_offset = offset
    for comment in item.comments:
        if comment.wp_id in comment_posts:
            raise wxr.WxrError(f"Two comments have the same id, {comment.wp_id}.")
        comment_posts[comment.wp_id] = item.wp_id
        survey.comments += 1
        survey.comments_by_type[comment.type] += 1
        if comment.parent:
            replies.append((comment.wp_id, comment.parent, item.wp_id))
