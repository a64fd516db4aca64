"""SQL queries and server time of each reader page, with the demo content and then with many
more essays (`make bench`): the counts must not move with the number of essays.

Runs in a throwaway test database (development data is left alone), through Django's test
client with DEBUG off, as an anonymous reader. BENCH_EXTRA_ESSAYS sets how many essays to add.
"""

import os
import statistics
import time
from io import StringIO

from bench.throwaway_db import throwaway_database

EXTRA = int(os.environ.get("BENCH_EXTRA_ESSAYS", "300"))
ROUNDS = 15


def _pages():
    from django.urls import reverse

    from blog.models import Post

    post = Post.objects.published().with_bylines().with_tags().order_by("published_at").first()
    author, tag = post.byline_authors[0], post.tag_list[0]
    year, month = post.published_at.year, post.published_at.month
    return {
        "home": reverse("blog:home"),
        "essay": post.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "archive": reverse("blog:archive_index"),
        "month": reverse("blog:archive_month", args=[year, month]),
        "search": reverse("blog:search") + "?q=alarm",
        "feed (RSS)": reverse("blog:feed"),
        "tag feed (Atom)": reverse("blog:tag_feed_atom", args=[tag.slug]),
        "sitemap": reverse("blog:sitemap"),
    }


def _report(connection, label):
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    print(f"-- {label}")
    for name, url in _pages().items():
        cache.clear()
        queries = []

        def count(execute, *args, queries=queries):
            queries.append(1)
            return execute(*args)

        # A wrapper rather than the debug cursor: it survives the pool's connection hand-offs.
        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        timings = []
        for _ in range(ROUNDS):
            cache.clear()  # the comments' cached thread would hide the essay page's real cost
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings) * 1000
        print(f"{name:>16}  {len(queries):2d} queries  {median:6.1f} ms  {status}  {url}")


def main():
    with throwaway_database() as connection:
        from django.core.management import call_command

        from tests.factories import make_author, make_post, make_tag

        call_command("demo", stdout=StringIO())
        _report(connection, "demo content")
        authors = [make_author() for _ in range(20)]
        tags = [make_tag() for _ in range(20)]
        for n in range(EXTRA):
            make_post(authors=authors[n % 20 : n % 20 + 3], tags=tags[n % 17 : n % 17 + 4])
        _report(connection, f"demo content and {EXTRA} more essays")
