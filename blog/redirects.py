"""Old addresses that moved: one table (blog.Redirect) and one middleware for every source of
them, editors' slug changes and imports from another site alike."""

import re

from django.db import connection, transaction
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone

from blog.models import Redirect

# Query strings that name a page by number on the old site (WordPress's plain permalinks):
# "/?p=12" answers 200 here (the home page), so these are looked up before the view runs.
NUMBERED_QUERIES = ("replytocom", "p", "page_id", "attachment_id", "cat", "tag_id", "author")
# Tails that old sites add to an address and that lead to the same place here.
_TAILS = re.compile(r"(?:comment-page-\d+/|feed/(?:rss2?/|atom/|rdf/)?|amp/|trackback/)$")


def old_addresses(path: str, query) -> list[str]:
    """The stored forms of an old address to look for, most specific first."""
    # Numbered pages are stored on the old blog's home address ("/?p=12", "/blog/?p=12"), and
    # WordPress answered them under any of its addresses ("/2019/05/slug/?replytocom=3").
    folders = [path]
    while folders[-1] != "/":
        folders.append(folders[-1].rstrip("/").rpartition("/")[0] + "/")
    found = [
        f"{folder}?{key}={query[key]}"
        for key in NUMBERED_QUERIES
        if query.get(key, "").isdigit()  # a number, never arbitrary text from the query
        for folder in folders
    ]
    found.append(path)
    bare = _TAILS.sub("", path)
    if bare != path:
        found.append(bare)
    return found


class RedirectMiddleware:
    """Answer an old address with 301 to its new home, or 410 when it is gone.

    Looked up only where Lectern has nothing of its own to show: after a 404, or before the view
    when the query string names an old numbered page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if any(key in request.GET for key in NUMBERED_QUERIES):
            response = self._moved(request, numbered_only=True)
            if response is not None:
                return response
        response = self.get_response(request)
        if response.status_code == 404:
            return self._moved(request) or response
        return response

    @staticmethod
    def _moved(request, *, numbered_only=False):
        paths = old_addresses(request.path, request.GET)
        if numbered_only:
            paths = [path for path in paths if "?" in path]
        redirect = Redirect.objects.for_paths(paths)
        if redirect is None:
            return None
        location = redirect.location()
        if not location:
            return render(request, "410.html", status=410)
        return HttpResponsePermanentRedirect(location)


def redirect_set(*, old_path: str, post=None, target_path="", fragment="", source="") -> None:
    """Point an old address at an essay (or a path); with neither, mark it gone (410)."""
    Redirect.objects.update_or_create(
        old_path=old_path,
        defaults={"post": post, "target_path": target_path, "fragment": fragment, "source": source},
    )


def redirects_set_many(redirects: list[Redirect]) -> int:
    """Store many redirects at once, replacing those with the same old addresses."""
    # COPY into a scratch table, then one INSERT … ON CONFLICT: an import stores one redirect
    # per comment, and a bulk INSERT of that many rows costs seconds to compile alone.
    unique = {r.old_path: r for r in redirects}  # one statement may not touch a row twice
    columns = ["old_path", "post_id", "target_path", "fragment", "source"]
    table = Redirect._meta.db_table
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE redirect_batch (old_path text, post_id bigint, "
            "target_path text, fragment text, source text) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY redirect_batch ({', '.join(columns)}) FROM STDIN") as copy:
            for r in unique.values():
                copy.write_row([r.old_path, r.post_id, r.target_path, r.fragment, r.source])
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, created_at) "  # noqa: S608
            f"SELECT {', '.join(columns)}, %s FROM redirect_batch "
            "ON CONFLICT (old_path) DO UPDATE SET post_id = EXCLUDED.post_id, "
            "target_path = EXCLUDED.target_path, fragment = EXCLUDED.fragment, "
            "source = EXCLUDED.source",
            [now],
        )
        cursor.execute("DROP TABLE redirect_batch")
    return len(unique)
