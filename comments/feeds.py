"""RSS 2.0 and Atom feeds of approved comments, newest first: one essay's, or the whole site's.
Answered conditionally (Last-Modified here, ETag by ConditionalGetMiddleware)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition

from blog.models import Post
from comments.models import Comment

FEED_LENGTH = 30


def _public_comments(post_id=None):
    comments = Comment.objects.public().filter(post__in=Post.objects.published())
    return comments.filter(post_id=post_id) if post_id else comments


class CommentFeed(Feed):
    def get_object(self, request, post_id=None):
        return get_object_or_404(Post.objects.published(), pk=post_id) if post_id else None

    def title(self, post=None):
        if post is None:
            return _("%(site)s: latest comments") % {"site": settings.SITE_NAME}
        return _("Comments on “%(title)s”") % {"title": post.title}

    def description(self, post=None):
        return self.title(post)

    def link(self, post=None):
        return f"{post.get_absolute_url()}#comments" if post else reverse("blog:home")

    def items(self, post=None):
        comments = _public_comments(post.pk if post else None).select_related("post", "author")
        return comments.order_by("-created_at", "-id")[:FEED_LENGTH]

    def item_title(self, comment):
        return _("%(name)s on “%(title)s”") % {
            "name": comment.display_name,
            "title": comment.post.title,
        }

    def item_description(self, comment):
        return comment.body_html  # escaped when saved (comments.text)

    def item_link(self, comment):
        return comment.get_absolute_url()

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at

    def item_author_name(self, comment):
        return comment.display_name


class CommentAtomFeed(CommentFeed):
    feed_type = Atom1Feed
    subtitle = CommentFeed.description


def _last_change(request, post_id=None):
    # Any change to a public comment (approval, edit, redaction) moves updated_at.
    return _public_comments(post_id).aggregate(last=Max("updated_at"))["last"]


rss = condition(last_modified_func=_last_change)(CommentFeed())
atom = condition(last_modified_func=_last_change)(CommentAtomFeed())
