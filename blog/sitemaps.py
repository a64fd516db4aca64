from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from blog.models import Post, Tag, authors_in_print


class Sitemap(DjangoSitemap):
    """Addresses on SITE_URL, whatever the Sites framework's domain or the request's host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class AuthorSitemap(Sitemap):
    """Authors with at least one published essay (their pages 404 otherwise)."""

    def items(self):
        return authors_in_print().order_by("slug")


class TagSitemap(Sitemap):
    """Tags with at least one published essay."""

    def items(self):
        return Tag.objects.in_print().order_by("slug")


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["blog:home", "blog:archive_index"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "essays": PostSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}
