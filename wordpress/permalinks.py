"""The old addresses of a WordPress post, page, term or author, as paths on this site.

WordPress answers a post at its <link> path, at /?p=ID whatever the permalink setting, and
(with "pretty" permalinks) at the date-based or name-only forms readers have bookmarked over
the years. Stored as decoded paths: Django's request.path is decoded too."""

from urllib.parse import unquote, urlsplit

MAX_PATH = 500


def home_path(site) -> str:
    """The path WordPress's blog lives under on the old site ("/" or "/blog/")."""
    path = urlsplit(site.base_blog_url or site.link).path
    return path.rstrip("/") + "/"


def link_path(link: str) -> str | None:
    """The path of an item's <link>, unless it is a ?p= link (covered on its own)."""
    parts = urlsplit(link)
    if parts.query or not parts.path:
        return None
    return unquote(parts.path)


def post_paths(item, *, home: str) -> list[str]:
    """Every address a WordPress post answered at."""
    paths = [f"{home}?p={item.wp_id}", f"{home}archives/{item.wp_id}/"]
    if own := link_path(item.link):
        paths.append(own)
    slug = unquote(item.slug)
    if slug and item.date:
        day = item.date
        paths += [
            f"{home}{day:%Y}/{day:%m}/{day:%d}/{slug}/",
            f"{home}{day:%Y}/{day:%m}/{slug}/",
            f"{home}{slug}/",
        ]
    return _unique(paths)


def page_paths(item, *, home: str) -> list[str]:
    paths = [f"{home}?page_id={item.wp_id}"]
    if own := link_path(item.link):
        paths.append(own)
    return _unique(paths)


def term_paths(term, *, home: str) -> list[str]:
    base = "category" if term.kind == "category" else "tag"
    return _unique([f"{home}{base}/{unquote(term.slug)}/"] if term.slug else [])


def author_paths(login: str, *, home: str) -> list[str]:
    return _unique([f"{home}author/{login}/"])


def _unique(paths) -> list[str]:
    seen = []
    for path in paths:
        if path not in seen and len(path) <= MAX_PATH and path != "/":
            seen.append(path)
    return seen
