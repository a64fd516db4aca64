from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from blog import feeds, views
from blog.sitemaps import SITEMAPS
from config.page_cache import public_page

app_name = "blog"

# Every public page is kept whole for anonymous readers (config.page_cache): "lists" are the
# pages that show essays' comment counts, an essay's page has its own scope too.
lists = public_page("lists")
essay = public_page(essay_slug_kwarg="slug")

urlpatterns = [
    path("", lists(views.home), name="home"),
    path("essays/<slug:slug>/", essay(views.post_detail), name="post_detail"),
    path("preview/<int:pk>/", views.post_preview, name="post_preview"),
    path("authors/<slug:slug>/", lists(views.author_detail), name="author_detail"),
    path("tags/<slug:slug>/", lists(views.tag_detail), name="tag_detail"),
    path("archive/", lists(views.archive_index), name="archive_index"),
    path("archive/<int:year>/", lists(views.archive_period), name="archive_year"),
    path("archive/<int:year>/<int:month>/", lists(views.archive_period), name="archive_month"),
    path("search/", views.search, name="search"),
    path("feed/", lists(feeds.EssayFeed()), name="feed"),
    path("feed/atom/", lists(feeds.EssayAtomFeed()), name="feed_atom"),
    path("tags/<slug:slug>/feed/", lists(feeds.TagFeed()), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", lists(feeds.TagAtomFeed()), name="tag_feed_atom"),
    path("authors/<slug:slug>/feed/", lists(feeds.AuthorFeed()), name="author_feed"),
    path("authors/<slug:slug>/feed/atom/", lists(feeds.AuthorAtomFeed()), name="author_feed_atom"),
    path("sitemap.xml", lists(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The association's standing pages, one address each (the footer links to them).
    re_path(r"^(?P<slug>about|contact|privacy)/$", views.site_page, name="site_page"),
]
