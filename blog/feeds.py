"""RSS 2.0 and Atom feeds of published essays: the whole site, one tag, one author."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from blog.models import Post, Tag, authors_in_print
from config.links import absolute_url

FEED_LENGTH = 20


class EssayFeed(Feed):
    """The FEED_LENGTH most recently published essays of the site, newest first."""

    title = settings.SITE_NAME
    description = settings.SITE_TAGLINE
    url_name = "blog:feed"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed generator writes hundreds of tiny pieces, and a WSGI server sends each one
        # with its own system call; joined, the feed goes out in one write.
        response.content = response.content
        return response

    # Every address absolute from SITE_URL: the Sites framework's domain would be a second,
    # easily stale, copy of the site's address.
    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url() if obj else reverse("blog:home"))

    def feed_url(self, obj=None):
        return absolute_url(reverse(self.url_name, args=[obj.slug] if obj else []))

    def item_link(self, post):
        return absolute_url(post.get_absolute_url())

    def posts(self, posts, obj):
        """The feed's essays among `posts` (filtered after with_tags(), which aggregates tags)."""
        return posts

    def items(self, obj=None):
        posts = Post.objects.published().with_bylines().with_tags()
        return self.posts(posts, obj).newest_first()[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.dek or Truncator(post.body_text).words(60)

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return ", ".join(author.name_with_credentials for author in post.byline_authors)

    def item_categories(self, post):
        return [tag.name for tag in post.tag_list]


class TagFeed(EssayFeed):
    url_name = "blog:tag_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.in_print(), slug=slug)

    def title(self, tag):
        return _("%(site)s: essays on %(tag)s") % {"site": settings.SITE_NAME, "tag": tag.name}

    def description(self, tag):
        return self.title(tag)

    def posts(self, posts, tag):
        return posts.filter(tags=tag)


class AuthorFeed(EssayFeed):
    url_name = "blog:author_feed"

    def get_object(self, request, slug):
        return get_object_or_404(authors_in_print(), slug=slug)

    def title(self, author):
        return _("%(site)s: essays by %(author)s") % {
            "site": settings.SITE_NAME,
            "author": author.name,
        }

    def description(self, author):
        return self.title(author)

    def posts(self, posts, author):
        return posts.filter(authors=author)


class EssayAtomFeed(EssayFeed):
    feed_type = Atom1Feed
    url_name = "blog:feed_atom"
    subtitle = EssayFeed.description


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    url_name = "blog:tag_feed_atom"

    def subtitle(self, tag):
        return self.description(tag)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    url_name = "blog:author_feed_atom"

    def subtitle(self, author):
        return self.description(author)
