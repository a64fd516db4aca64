"""Whole-page cache for anonymous readers, shared by every web process (Redis when configured).

A public view is wrapped with `public_page(scopes)`. For a reader without a session, the first
middleware answers from the cache; each stored page remembers the version of every scope it was
rendered under, and is served only while all of them still hold. A write that changes what the
public sees calls `public_pages_changed(...)` in its service: the scopes' versions move (after
the commit, so that nobody renders the old rows under the new version) and every page under
them is stale at once, on every node.

Scopes: "site" (every public page: editorial changes, names), "lists" (every page listing essays:
comment counts), "essay:<slug>" (one essay's page).
"""

import functools
import hashlib
import logging
import threading
import uuid
from collections import OrderedDict
from datetime import datetime
from functools import wraps
from http.client import responses
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest, get_str_from_wsgi
from django.core.signals import setting_changed
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from config.cache_mirror import forget_mirrored, mirrored_many

logger = logging.getLogger(__name__)

PAGE_SECONDS = 10 * 60
# What a reverse proxy or CDN may do with an anonymous page: hold it a few seconds, and serve it
# a little longer while it fetches a fresh one. Browsers revalidate (ETag) every time.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=5, stale-while-revalidate=10"
PRIVATE_CACHE_CONTROL = "private, max-age=0, must-revalidate"
# Headers worth keeping with a page; the rest (Date, per-request ones) are the server's.
KEPT_HEADERS = {
    "cache-control",
    "content-language",
    "content-security-policy",
    "content-type",
    "cross-origin-opener-policy",
    "etag",
    "last-modified",
    "permissions-policy",
    "referrer-policy",
    "strict-transport-security",
    "vary",
    "x-content-type-options",
    "x-frame-options",
}


def version_key(scope: str) -> str:
    return f"pages:version:{scope}"


def address_key(request, kind: str = "page") -> str:
    """The key of what is kept for this address (scheme, host, path and query): its page, or
    another kind of entry (config.page_parts keeps an essay page's skeleton), as this release of
    the site renders it."""
    # The host as a name, not as spelt: ALLOWED_HOSTS lets any port and any case through, and a
    # key per spelling would let visitors copy every page into the cache without end.
    host = split_domain_port(request.get_host())[0]
    address = f"{request.scheme}://{host}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"pages:{kind}:{release_fingerprint()}:{digest}"


@functools.cache
def release_fingerprint() -> str:
    """The site's templates and static files' names as this process has them. A page links the
    hashed names of its CSS and scripts and a skeleton's bytes fit only its own templates' parts:
    during a deploy, processes of either release keep their own pages, so that no reader gets a
    page naming files the new release no longer has, or parts that no longer fit."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(folder)}\0".encode() + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"  # absent while DEBUG is on
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _forget_release(sender, file_path, **kwargs) -> None:
    release_fingerprint.cache_clear()  # the development server saw a file change


def _forget_addresses(**kwargs) -> None:
    _addresses.clear()  # hosts allowed, proxy headers trusted: settings overridden (tests)


file_changed.connect(_forget_release, dispatch_uid="page_cache_release")
setting_changed.connect(_forget_addresses, dispatch_uid="page_cache_addresses")


def public_pages_changed(*scopes: str) -> None:
    """Mark every cached page under these scopes stale, once the current transaction commits."""
    transaction.on_commit(lambda: _move_versions(scopes))


# Scopes whose versions this process could not move (the shared cache did not answer when a
# change committed). Redis may come back with the old versions and the pages kept under them:
# until the moves are made, this process serves and keeps no page, and tries again every
# RETRY_SECONDS meanwhile (for the other processes, which do not know).
_unmoved: set[str] = set()
_retrying = False
RETRY_SECONDS = 1.0


def _move_versions(scopes=()) -> bool:
    """Move these scopes' versions and any left unmoved: whether all are moved now."""
    with _local_lock:
        scopes = {*scopes, *_unmoved}  # left in _unmoved until moved: no page is served meanwhile
    if not scopes:
        return True
    try:
        # The "limits" alias (the same store) raises where "default" would ignore a failure.
        store = caches["limits"] if "limits" in settings.CACHES else cache
        store.set_many({version_key(scope): uuid.uuid4().hex for scope in scopes}, None)
        forget_mirrored(version_key(scope) for scope in scopes)
    except Exception:
        logger.warning("pages of %s could not be marked stale: trying again", sorted(scopes))
        with _local_lock:
            _unmoved.update(scopes)
        _retry_soon()
        return False
    with _local_lock:
        _unmoved.difference_update(scopes)
    return True


def _retry_soon() -> None:
    global _retrying
    with _local_lock:
        if _retrying:
            return
        _retrying = True
    timer = threading.Timer(RETRY_SECONDS, _retry)
    timer.daemon = True
    timer.start()


def _retry() -> None:
    global _retrying
    with _local_lock:
        _retrying = False
    _move_versions()  # failing again, it asks for the next try


def versions_are_current() -> bool:
    """Whether the versions in the shared cache may be trusted (no move of this process is
    still missing from it): else no page may be served from it nor kept under them."""
    return not _unmoved or _move_versions()


def essay_scope(post) -> str:
    return f"essay:{post.slug}"


def versions_of(scopes) -> dict | None:
    """The current version of each scope (new ones made up), or None while the cache is away."""
    if not versions_are_current():
        return None
    keys = [version_key(scope) for scope in scopes]
    found = _get_many(keys)
    for key in keys:
        if key not in found:
            # add(): two processes starting the same scope agree on the first one's version.
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return None if None in found.values() else found


def site_version() -> str:
    """The current version of the "site" scope: fragments cached apart from pages (the public
    thread) include it, so that a member's new name shows in them at once too."""
    return (versions_of(["site"]) or {}).get(version_key("site"), "")


def _is_cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and _is_readers(request.COOKIES)


def _is_readers(cookies) -> bool:
    """Whether a request with these cookies may get the readers' copy: no session (a member's)
    and no flash message waiting for its visitor."""
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def answers_query(request, query: str) -> None:
    """Say which query string the page being rendered is kept under (e.g. "page=2"): a public
    page is stored only when requested at exactly that address, with nothing else in its query.
    Without it the bare address is the only one kept: any other query string (tracking
    parameters, a page number past the end, a made-up one) is answered but never stored, so
    visitors cannot fill the shared cache with copies of a page under addresses of their own."""
    request.page_query = query


def is_canonical_address(request) -> bool:
    """Whether this request asked for the page at the address it is kept under (answers_query)."""
    return request.META.get("QUERY_STRING", "") == getattr(request, "page_query", "")


def public_page(*scopes: str, essay_slug_kwarg: str | None = None):
    """Mark a view's anonymous responses as public pages, kept in the shared page cache under
    "site", the given scopes and, with essay_slug_kwarg, the essay's own scope."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            if request.user.is_authenticated:
                response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            elif response.status_code == 200:
                response["Cache-Control"] = PUBLIC_CACHE_CONTROL
                response.is_public_page = True
            return response

        wrapped.public_page_scopes = (scopes, essay_slug_kwarg)
        return wrapped

    return decorate


def page_scopes(path_info: str) -> list[str] | None:
    """The scopes a public page at this path is kept under, or None for any other path."""
    found = _scopes_by_path.get(path_info)
    if found is None:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path_info)
        except Resolver404:
            match = None
        marked = match and getattr(match.func, "public_page_scopes", None)
        found = ()
        if marked is not None:
            scopes, slug_kwarg = marked
            found = (
                "site",
                *scopes,
                *([f"essay:{match.kwargs[slug_kwarg]}"] if slug_kwarg else []),
            )
        with _local_lock:
            if len(_scopes_by_path) >= SCOPES_REMEMBERED:
                _scopes_by_path.clear()  # bounded whatever addresses are asked for
            _scopes_by_path[path_info] = found
    return list(found) if found else None


# A path's scopes never change while the process runs (the URLconf does not): each is resolved
# once, up to this many paths.
SCOPES_REMEMBERED = 4096
_scopes_by_path: dict[str, tuple] = {}


def kept_with_versions(key: str, scopes) -> tuple[object, dict]:
    """What is kept under key (or None) and the scopes' versions as the shared cache has them (a
    scope never asked about is missing), in one round trip: whatever was kept is current only
    while the versions it was kept with are these."""
    version_keys = [version_key(scope) for scope in scopes]
    found = _get_many([key, *version_keys])
    return found.pop(key, None), found


def _get_many(keys: list[str]) -> dict:
    """cache.get_many, from this process's mirror of Redis while it can be trusted (no round
    trip: config.cache_mirror)."""
    found = mirrored_many(keys)
    return cache.get_many(keys) if found is None else found


def cached_page(request) -> tuple[int, dict, bytes] | None:
    """The stored page for a cacheable request, while every scope it was rendered under still
    holds: (status, headers, body), or None. One round trip to the shared cache at most (the
    entry and the scopes' versions together; none while this process's mirror holds them)."""
    if not _is_cacheable_request(request):
        return None
    address = page_address(request)
    return None if address is None else stored_at(*address)


def page_address(request) -> tuple[str, list[str]] | None:
    """The key a public page at this request's address is kept under, and its scopes; None for
    any other address, and for a host this site does not serve (the middleware below answers
    400: this runs before the session exists, which the 400 page needs)."""
    scopes = page_scopes(request.path_info)
    if scopes is None:
        return None
    try:
        return address_key(request), scopes
    except DisallowedHost:
        return None


def stored_at(key: str, scopes) -> tuple[int, dict, bytes] | None:
    """The page kept under key while the scopes' versions are those it was kept with."""
    if not versions_are_current():
        return None
    entry, versions_now = kept_with_versions(key, scopes)
    if entry is None:
        return None
    versions, status, headers, digest = entry
    if versions != versions_now:
        return None
    body = stored_body(digest)
    return None if body is None else (status, headers, body)


def _reader_has(etag: str | None, if_none_match: str) -> bool:
    """Whether If-None-Match names this version, weighed as ConditionalGetMiddleware weighs it:
    "*" names any, and weakly (a proxy that compresses, nginx's gzip, marks the ETag weak)."""
    condition = parse_etags(if_none_match)
    if not etag or not condition:
        return False
    return condition == ["*"] or etag.removeprefix("W/") in {
        named.removeprefix("W/") for named in condition
    }


def answer_for(meta: dict, status: int, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    """What to send for a stored page (meta: the request's WSGI environ): the page, or 304 when
    the reader's copy is current."""
    if _reader_has(headers.get("ETag"), meta.get("HTTP_IF_NONE_MATCH", "")):
        kept = {
            name: headers[name] for name in ("ETag", "Cache-Control", "Vary") if name in headers
        }
        return 304, kept, b""
    headers = {**headers, "Content-Length": str(len(body))}
    return status, headers, b"" if meta["REQUEST_METHOD"] == "HEAD" else body


class PageCacheMiddleware:
    """First in MIDDLEWARE: answer readers without a session from the page cache, and store the
    public pages the views marked, with the headers the rest of the stack gave them. (In
    production `CachedPagesFirst` answers most hits before Django; this answers the rest, and
    every request made through Django's test client.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return _own_if_it_sets_cookies(self.get_response(request))
        stored = None if request.META.get(LOOKED_UP) else cached_page(request)
        if stored is not None:
            status, headers, body = answer_for(request.META, *stored)
            response = HttpResponseNotModified() if status == 304 else HttpResponse(body, status)
            for name, value in headers.items():
                response[name] = value
            return response
        scopes = page_scopes(request.path_info)
        # Read before the view runs: a change committed while it renders moves a version past
        # the one stored with the page, which is then never served.
        versions = versions_of(scopes) if scopes else None
        response = self.get_response(request)
        if (
            versions
            and request.method == "GET"
            and response.status_code == 200
            and getattr(response, "is_public_page", False)
            and is_canonical_address(request)
            and not response.cookies
            and not response.streaming
        ):
            headers = {k: v for k, v in response.items() if k.lower() in KEPT_HEADERS}
            seconds = _seconds_to_keep(response)
            digest = store_body(response.content, seconds)
            cache.set(
                address_key(request), (versions, response.status_code, headers, digest), seconds
            )
        return _own_if_it_sets_cookies(response)


def _own_if_it_sets_cookies(response):
    """A public page that sets or deletes a cookie (Django deletes the cookie of a session that
    expired or ended elsewhere) is that visitor's alone: a shared cache that kept it would hand
    the Set-Cookie to the next readers (signing them out)."""
    if response.cookies and getattr(response, "is_public_page", False):
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


# Set in the WSGI environ by CachedPagesFirst once it has looked the page up (and not found it).
LOOKED_UP = "lectern.page_cache.looked_up"


class CachedPagesFirst:
    """The WSGI application's front: a hit in the page cache is answered here, before Django
    builds its request, sends its signals and runs its middleware (on a cached essay page that
    was two thirds of the CPU a hit cost); anything else goes to Django, whose
    PageCacheMiddleware stores what this serves. Same lookup, same bytes, same headers."""

    def __init__(self, django_application):
        self.django_application = django_application

    def __call__(self, environ, start_response):
        stored = None
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            try:
                stored = _stored_for(environ)
            except Exception:  # an odd address, a bad cookie: Django answers it as it would
                stored = None
            else:
                # Django's request shares this environ as its META: the middleware need not ask
                # the shared cache again for the page just found missing.
                environ[LOOKED_UP] = True
        if stored is None:
            return self.django_application(environ, start_response)
        status, headers, body = answer_for(environ, *stored)
        start_response(f"{status} {responses[status]}", list(headers.items()))
        return [body]


def _stored_for(environ) -> tuple[int, dict, bytes] | None:
    # Cookies parsed as Django parses them, and only when sent.
    sent = "HTTP_COOKIE" in environ
    if sent and not _is_readers(parse_cookie(get_str_from_wsgi(environ, "HTTP_COOKIE", ""))):
        return None
    address = _known_address(environ)
    return None if address is None else stored_at(*address)


# What Django reads of the environ to tell a request's address (host, scheme, path): the same
# values under the same settings make the same key, so each address's key and scopes are worked
# out once per process (a WSGIRequest, the host checked against ALLOWED_HOSTS, a hash: most of
# what a hit cost once the versions came from the mirror). Hosts refused are never remembered.
ADDRESS_FIELDS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "SCRIPT_URL",
    "REDIRECT_URL",
    "PATH_INFO",
    "QUERY_STRING",
)
ADDRESSES_REMEMBERED = 4096
_addresses: dict[tuple, tuple[str, list[str]]] = {}


def _known_address(environ) -> tuple[str, list[str]] | None:
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    signature = (
        release_fingerprint(),
        proxy_header and environ.get(proxy_header[0]),
        *(environ.get(field) for field in ADDRESS_FIELDS),
    )
    found = _addresses.get(signature)
    if found is None:
        # A copy: WSGIRequest rewrites PATH_INFO and SCRIPT_NAME in its environ as decoded
        # text, which Django, reading the WSGI server's latin-1 text again, would misread (a
        # 500 for any character beyond latin-1, another path for an accented one).
        found = page_address(WSGIRequest(environ.copy()))
        if found is not None:
            with _local_lock:
                if len(_addresses) >= ADDRESSES_REMEMBERED:
                    _addresses.clear()  # bounded whatever addresses are asked for
                _addresses[signature] = found
    return found


NOTHING_SCHEDULED = "none"


def _next_publication_at():
    # Asked of the database once per site version (a scheduling is an editorial write, which
    # moves it) and again once the moment has passed (the key expires then).
    from blog.models import Post

    key = f"pages:next-publication:{site_version()}"
    moment = cache.get(key)
    if moment is None:
        moment = Post.objects.next_publication_at() or NOTHING_SCHEDULED
        seconds = PAGE_SECONDS
        if moment != NOTHING_SCHEDULED:
            seconds = max(1, int((moment - timezone.now()).total_seconds()))
        cache.set(key, moment, seconds)
    return None if moment == NOTHING_SCHEDULED else moment


def _seconds_to_keep(response) -> int:
    return public_seconds_left(getattr(response, "fresh_until", None))


def public_seconds_left(fresh_until=None) -> int:
    """How long what the public sees may be kept: a scheduled essay goes public at its date with
    no write to announce it, so nothing outlives that moment (nor fresh_until, when given: an
    essay's comment form its closing date)."""
    until = [fresh_until, _next_publication_at()]
    seconds = PAGE_SECONDS
    now = timezone.now()
    for moment in until:
        if isinstance(moment, datetime):
            seconds = min(seconds, max(1, int((moment - now).total_seconds())))
    return seconds


# A page's body (or an essay page's skeleton: config.page_parts) is kept apart from its entry,
# under the hash of its bytes: a body never changes under its key, so each process may keep the
# bodies it serves most in memory (nothing two nodes must agree on) and a hit fetches only the
# small entry and versions from the shared cache, not ~200 KB of HTML each time.
LOCAL_BODY_BYTES = 32 * 1024 * 1024
_local_bodies: OrderedDict[str, bytes] = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()


def store_body(body: bytes, seconds: int) -> str:
    digest = hashlib.sha256(body).hexdigest()
    cache.set(f"pages:body:{digest}", body, seconds)
    _keep_locally(digest, body)
    return digest


def stored_body(digest: str) -> bytes | None:
    with _local_lock:
        body = _local_bodies.get(digest)
        if body is not None:
            _local_bodies.move_to_end(digest)
            return body
    body = cache.get(f"pages:body:{digest}")
    if body is not None:
        _keep_locally(digest, body)
    return body


def _keep_locally(digest: str, body: bytes) -> None:
    global _local_bytes
    if len(body) > LOCAL_BODY_BYTES // 4:
        return
    with _local_lock:
        if digest in _local_bodies:
            return
        _local_bodies[digest] = body
        _local_bytes += len(body)
        while _local_bytes > LOCAL_BODY_BYTES:
            _, dropped = _local_bodies.popitem(last=False)
            _local_bytes -= len(dropped)
