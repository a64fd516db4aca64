"""Postgres full-text search over published essays: weighted, ranked, with highlighted excerpts."""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.html import format_html, format_html_join

from blog.models import SEARCH_CONFIG, Post

MAX_QUERY_LENGTH = 200
# ts_headline marks matches with these; the excerpt is escaped before they become <mark> tags.
START, STOP = "\x02", "\x03"
MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(text: str) -> str:
    """What a reader typed, fit to search for: no control characters (Postgres refuses NUL;
    ours would fake highlights), spaces collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())[:MAX_QUERY_LENGTH]


def search_posts(text: str):
    """Published essays matching `text` (web-search syntax: "phrases", or, -not), best first."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        Post.objects.published()
        .with_bylines()
        .filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                "body_text",
                query,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at")
    )


def highlight(headline: str):
    """ts_headline's excerpt as safe HTML: the text escaped, the matches in <mark>."""
    parts = MARKED.split(headline)  # plain, match, plain, match, …, plain
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", part) if index % 2 else part.replace(START, ""),)
            for index, part in enumerate(parts)
        ),
    )
