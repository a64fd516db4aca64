from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from blog import feeds, views
from blog.sitemaps import SITEMAPS

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("essays/<slug:slug>/", views.post_detail, name="post_detail"),
    path("preview/<int:pk>/", views.post_preview, name="post_preview"),
    path("authors/<slug:slug>/", views.author_detail, name="author_detail"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag_detail"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<int:year>/", views.archive_period, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive_period, name="archive_month"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.EssayFeed(), name="feed"),
    path("feed/atom/", feeds.EssayAtomFeed(), name="feed_atom"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # The association's standing pages, one address each (the footer links to them).
    re_path(r"^(?P<slug>about|contact|privacy)/$", views.site_page, name="site_page"),
]
