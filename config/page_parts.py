"""A public page in parts: what every viewer of an address sees, kept once in the shared cache,
and the few regions that are each viewer's own, rendered for every request.

A template marks each region that may differ between two viewers of the same address with
`{% viewer_part "template.html" %}` (this module is its template library, "page_parts"). Rendered
as usual, the tag includes that template exactly as `{% include %}` would. Rendered as a
skeleton, it leaves a marker in its place and records the part's name: the page is kept as that
skeleton, under the versions of the scopes its address is cached under (config.page_cache), and
later requests render only the parts, in document order (a part may leave something on the
request for a later one: the sign-in forms at the end of the page), between its static bytes.

What stays outside the parts must depend on nothing but the address, the essay and the site:
tests/config/test_page_parts.py compares every kind of viewer's page with a whole render.
"""

import secrets
from contextvars import ContextVar

from django import template
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode

from config.page_cache import (
    address_key,
    is_canonical_address,
    kept_with_versions,
    page_scopes,
    public_seconds_left,
    store_body,
    stored_body,
    versions_are_current,
    versions_of,
)

register = template.Library()


class _Recorder:
    """The parts of one skeleton render, in document order, and the marker left for each."""

    def __init__(self):
        # Unguessable, and made after every text on the page was written: nothing a member or an
        # editor wrote can contain it, so no text can pose as a part.
        self.marker = f"<!--viewer-part {secrets.token_hex(16)}-->"
        self.names: list[str] = []


# A context variable rather than a template variable: it reaches includes rendered with `only`,
# and nothing a view puts in a template's context can turn skeleton rendering on or off.
_recording: ContextVar[_Recorder | None] = ContextVar("page_parts_recording", default=None)


class ViewerPartNode(IncludeNode):
    def __init__(self, template_name, *, name: str):
        super().__init__(template_name)
        self.name = name

    def render(self, context):
        recorder = _recording.get()
        if recorder is None:
            return super().render(context)
        recorder.names.append(self.name)
        return recorder.marker


@register.tag
def viewer_part(parser, token):
    """{% viewer_part "template.html" %}: a region of the page that is the viewer's own."""
    bits = token.split_contents()
    if len(bits) != 2 or len(bits[1]) < 3 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        # A constant name: a kept skeleton names the templates its parts render.
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted template name")
    return ViewerPartNode(parser.compile_filter(bits[1]), name=bits[1][1:-1])


class Skeleton:
    """A page's bytes with a marker where each part goes, and the parts' template names."""

    def __init__(self, body: bytes, marker: str, names: tuple[str, ...]):
        self.body, self.marker, self.names = body, marker, names

    def fill(self, request, context: dict) -> bytes:
        """The page for this request: its parts rendered in order with one context (the context
        processors run once), each as `{% include %}` renders it, between the static bytes."""
        if not self.names:
            return self.body
        chunks = self.body.split(self.marker.encode())
        parts = [get_template(name).template for name in self.names]
        context = make_context(context, request, autoescape=parts[0].engine.autoescape)
        page = [chunks[0]]
        with context.bind_template(parts[0]):
            for part, chunk in zip(parts, chunks[1:], strict=True):
                with context.push():
                    page.append(part.render(context).encode(settings.DEFAULT_CHARSET))
                page.append(chunk)
        return b"".join(page)


def _render_skeleton(template_name: str, context: dict, request) -> Skeleton | None:
    recorder = _Recorder()
    token = _recording.set(recorder)
    try:
        html = render_to_string(template_name, context, request)
    finally:
        _recording.reset(token)
    body = html.encode(settings.DEFAULT_CHARSET)
    # A marker lost or altered (a part inside a filter, say) would put a part in the wrong place:
    # such a page is rendered whole instead.
    if body.count(recorder.marker.encode()) != len(recorder.names):
        return None
    return Skeleton(body, recorder.marker, tuple(recorder.names))


def skeleton_key(request) -> str:
    """Where the skeleton of the page at this request's address is kept."""
    return address_key(request, "skeleton")


class PageInParts:
    """The skeleton kept for a request's address, if any: ask before loading what the page shows,
    since a kept skeleton already holds everything outside the parts."""

    def __init__(self, request):
        self.request = request
        self.versions = self.skeleton = None
        scopes = page_scopes(request.path_info)
        if not settings.PAGE_SKELETONS or scopes is None or not versions_are_current():
            return
        self.key = skeleton_key(request)
        # The entry and the scopes' versions in one round trip, read before anything is rendered:
        # a change committed meanwhile moves a version past the one a new skeleton is kept
        # under, and that skeleton is never used.
        entry, found = kept_with_versions(self.key, scopes)
        # A scope never asked about gets its first version (None while the cache is away).
        self.versions = found if len(found) == len(scopes) else versions_of(scopes)
        if self.versions is not None and entry is not None and entry[0] == self.versions:
            _versions_kept, digest, marker, names = entry
            body = stored_body(digest)
            if body is not None:
                self.skeleton = Skeleton(body, marker, names)

    @property
    def is_kept(self) -> bool:
        return self.skeleton is not None

    def render(self, template_name: str, context: dict, *, fresh_until=None) -> HttpResponse:
        """The page: the kept skeleton with this viewer's parts, or (when none is kept) rendered
        as a skeleton first and kept, for as long as a public page may be (fresh_until)."""
        if self.skeleton is None and self.versions is not None:
            self.skeleton = _render_skeleton(template_name, context, self.request)
            # Kept only for the page's own address, as whole pages are (page_cache.answers_query).
            if self.skeleton is not None and is_canonical_address(self.request):
                seconds = public_seconds_left(fresh_until)
                digest = store_body(self.skeleton.body, seconds)
                entry = (self.versions, digest, self.skeleton.marker, self.skeleton.names)
                cache.set(self.key, entry, seconds)
        if self.skeleton is None:
            return render(self.request, template_name, context)
        return HttpResponse(self.skeleton.fill(self.request, context))
