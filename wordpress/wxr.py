"""Reading a WordPress export (WXR 1.0–1.2), streamed: one <item> at a time, then forgotten.

The XML goes through defusedxml, which refuses document types and entity declarations, so an
entity bomb or an external entity is an error, never expanded or fetched. Plain, gzipped and
WordPress.com's zipped exports are read alike."""

import gzip
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import ParseError
from xml.etree.ElementTree import iterparse as StdlibIterparse

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import iterparse

# WordPress.com writes its exports with https:// namespaces, self-hosted WordPress with http://.
WP_NAMESPACES = ("http://wordpress.org/export/", "https://wordpress.org/export/")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
ZERO_DATE = "0000-00-00 00:00:00"


class WxrError(Exception):
    """The export cannot be imported; the message says why, for the person running it."""


@dataclass(slots=True)
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""


@dataclass(slots=True)
class Author:
    login: str
    wp_id: int | None
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(slots=True)
class Term:
    kind: str  # "category" or "post_tag"
    slug: str
    name: str


@dataclass(slots=True)
class Comment:
    wp_id: int
    parent: int
    author: str
    email: str
    url: str
    user_id: int
    date_gmt: datetime | None
    date: datetime | None
    content: str
    approved: str
    type: str


@dataclass(slots=True)
class Item:
    wp_id: int
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    date: datetime | None
    date_gmt: datetime | None
    comment_status: str
    slug: str
    status: str
    post_type: str
    password: str
    is_sticky: bool
    attachment_url: str
    terms: list = field(default_factory=list)  # Term per <category domain=…>
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


_NAMES = {}


def _name(tag: str) -> str:
    """ "wp:post_id" for "{http://wordpress.org/export/1.2/}post_id", whatever the WXR version."""
    name = _NAMES.get(tag)  # a handful of distinct tags, met millions of times
    if name is not None:
        return name
    name = tag
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        if uri.startswith(WP_NAMESPACES):
            kind = "excerpt" if uri.rstrip("/").endswith("excerpt") else "wp"
            name = f"{kind}:{local}"
        else:
            name = f"{NAMESPACES.get(uri, uri)}:{local}"
    if len(_NAMES) < 1000:
        _NAMES[tag] = name
    return name


def _fields(element) -> dict:
    return {_name(child.tag): (child.text or "") for child in element}


# WordPress ids are unsigned 64-bit numbers; Postgres keeps them as signed ones.
MAX_ID = 2**63 - 1


def _int(value: str, what: str) -> int:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise WxrError(f"{what}: “{value[:40]}” is not a number.")
    number = int(value)
    if number > MAX_ID:
        raise WxrError(f"{what}: {value[:40]} is out of range for an id.")
    return number


def parse_date(value: str, what: str) -> datetime | None:
    """A WordPress date ("2019-05-12 14:03:00"), naive; None for WordPress's zero date."""
    value = value.strip()
    if not value or value == ZERO_DATE:
        return None
    try:
        # fromisoformat(): strptime's equal for WordPress's format, at a tenth of the cost.
        if len(value) != 19 or value[10] != " ":
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise WxrError(f"{what}: the date “{value[:40]}” does not parse.") from None
    # Shifted by a time zone, year 1 or 9999 falls outside what Postgres and Python can hold.
    if not 1000 <= parsed.year <= 9000:
        raise WxrError(f"{what}: the date “{value}” is out of range.")
    return parsed


def _author(element) -> Author:
    f = _fields(element)
    login = f.get("wp:author_login", "").strip()
    if not login:
        raise WxrError("An author (wp:author) has no login.")
    wp_id = f.get("wp:author_id", "").strip()
    return Author(
        login=login,
        wp_id=_int(wp_id, f"Author {login}") if wp_id else None,
        email=f.get("wp:author_email", "").strip(),
        display_name=f.get("wp:author_display_name", "").strip(),
        first_name=f.get("wp:author_first_name", "").strip(),
        last_name=f.get("wp:author_last_name", "").strip(),
    )


def _term(element, kind: str) -> Term:
    f = _fields(element)
    if kind == "category":
        return Term(kind, f.get("wp:category_nicename", ""), f.get("wp:cat_name", ""))
    return Term("post_tag", f.get("wp:tag_slug", ""), f.get("wp:tag_name", ""))


def _comment(element, where: str) -> Comment:
    f = _fields(element)
    wp_id = _int(f.get("wp:comment_id", ""), f"{where}, a comment's id")
    what = f"{where}, comment {wp_id}"
    parent = f.get("wp:comment_parent", "").strip()
    user_id = f.get("wp:comment_user_id", "").strip()
    return Comment(
        wp_id=wp_id,
        parent=_int(parent, what) if parent else 0,
        author=f.get("wp:comment_author", ""),
        email=f.get("wp:comment_author_email", "").strip(),
        url=f.get("wp:comment_author_url", "").strip(),
        user_id=_int(user_id, what) if user_id else 0,
        date_gmt=parse_date(f.get("wp:comment_date_gmt", ""), what),
        date=parse_date(f.get("wp:comment_date", ""), what),
        content=f.get("wp:comment_content", ""),
        approved=f.get("wp:comment_approved", "1").strip(),
        type=f.get("wp:comment_type", "").strip() or "comment",
    )


def _item(element) -> Item:
    f, terms, meta, comments = {}, [], {}, []
    for child in element:
        name = _name(child.tag)
        if name == "category":
            domain = child.get("domain", "category")
            if domain in ("category", "post_tag"):
                terms.append(Term(domain, child.get("nicename", ""), (child.text or "").strip()))
        elif name == "wp:postmeta":
            pair = _fields(child)
            meta[pair.get("wp:meta_key", "")] = pair.get("wp:meta_value", "")
        elif name == "wp:comment":
            comments.append(child)
        else:
            f[name] = child.text or ""
    title = f.get("title", "").strip()
    raw_id = f.get("wp:post_id", "").strip()
    if not raw_id:
        raise WxrError(f"The item “{title[:60]}” has no wp:post_id: is this a WordPress export?")
    wp_id = _int(raw_id, f"The item “{title[:60]}”")
    where = f"Item {wp_id} (“{title[:60]}”)"
    return Item(
        wp_id=wp_id,
        title=title,
        link=f.get("link", "").strip(),
        creator=f.get("dc:creator", "").strip(),
        content=f.get("content:encoded", ""),
        excerpt=f.get("excerpt:encoded", ""),
        date=parse_date(f.get("wp:post_date", ""), where),
        date_gmt=parse_date(f.get("wp:post_date_gmt", ""), where),
        comment_status=f.get("wp:comment_status", "open").strip(),
        slug=f.get("wp:post_name", "").strip(),
        status=f.get("wp:status", "publish").strip(),
        post_type=f.get("wp:post_type", "post").strip(),
        password=f.get("wp:post_password", ""),
        is_sticky=f.get("wp:is_sticky", "0").strip() == "1",
        attachment_url=f.get("wp:attachment_url", "").strip(),
        terms=terms,
        meta=meta,
        comments=[_comment(c, where) for c in comments],
    )


SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "version",
}


class _Prefixed:
    """A stream whose first bytes were already read (to look at them) and are given back."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = head, rest

    def read(self, size=-1):
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        return self.rest.read(size)


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEAD_SIZE = 64 * 1024
XML_SPACE = b" \t\r\n"


def _opened(stream) -> tuple[bytes, _Prefixed]:
    """The document's first bytes, and the stream to parse. Blank lines before the XML
    declaration (a theme or plugin printing them during the export, a common WordPress fault)
    make the file ill-formed to any parser: they are skipped, as WordPress's importer does."""
    head = stream.read(HEAD_SIZE)
    if not head.startswith(UTF16_BOMS):
        bom = UTF8_BOM if head.startswith(UTF8_BOM) else b""
        body = head[len(bom) :].lstrip(XML_SPACE)
        while not body and (more := stream.read(HEAD_SIZE)):
            body = more.lstrip(XML_SPACE)  # whitespace is dropped as it is read, never kept
        if len(body) < HEAD_SIZE:
            body += stream.read(HEAD_SIZE - len(body))
        head = bom + body
    return head, _Prefixed(head, stream)


def _checked_prolog(stream):
    """The stream, once its prolog is known to declare no document type (hence no entities)."""
    head, prefixed = _opened(stream)
    text = head.decode("utf-16", "ignore").encode() if head.startswith(UTF16_BOMS) else head
    root = re.search(rb"<[A-Za-z_]", text)
    # No root element within the first bytes: a prolog that long is refused too, never read.
    if root is None or b"<!DOCTYPE" in text[: root.start()] or b"\x00" in text[: root.start()]:
        raise DTDForbidden(None, None, None)
    return prefixed


def _parse(stream, *, checked: bool):
    # The first pass goes through defusedxml, which refuses any document type: that is the
    # gate. The second reads a file that passed it with the standard library's C parser (three
    # times faster), after checking again that no document type has appeared since.
    if checked:
        # No document type, so no entity can be declared: nothing to expand or fetch.
        return StdlibIterparse(_checked_prolog(stream), events=("start", "end"))  # noqa: S314
    return iterparse(_opened(stream)[1], events=("start", "end"), forbid_dtd=True)


# The most one <item> (a post with all its comments) may take. An item is held in memory
# whole, so without a bound a few megabytes of gzip or zip could unpack into gigabytes of one
# post body (a "zip bomb"). 50,000 comments of a kilobyte each fit, with room to spare.
MAX_RECORD_BYTES = 100 * 1024 * 1024


class _Bounded:
    """A stream that refuses to give more than MAX_RECORD_BYTES between two records."""

    def __init__(self, stream):
        self.stream, self.since_record = stream, 0

    def read(self, size=-1):
        chunk = self.stream.read(size)
        self.since_record += len(chunk)
        if self.since_record > MAX_RECORD_BYTES:
            raise WxrError(
                f"One item of the export is larger than {MAX_RECORD_BYTES // 2**20} MB: "
                "a damaged file or a compressed bomb, not a WordPress export."
            )
        return chunk


def _records(stream, *, checked=False) -> Iterator:
    """Site, Author, Term and Item records of one XML document, in file order."""
    site, announced, depth, channel = Site(), False, 0, None
    stream = _Bounded(stream)
    for event, element in _parse(stream, checked=checked):
        if event == "start":
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise WxrError(
                    f"This is XML, but not a WordPress export (its root is <{_name(element.tag)}>"
                    ", not <rss>)."
                )
            if depth == 2 and element.tag == "channel":
                channel = element
            continue
        depth -= 1
        if depth != 2 or channel is None:
            continue
        name = _name(element.tag)
        if name in SITE_FIELDS:
            setattr(site, SITE_FIELDS[name], (element.text or "").strip())
        elif name in ("wp:author", "wp:category", "wp:tag", "item"):
            if not announced:
                if not site.version:
                    raise WxrError(
                        "This is an RSS feed, not a WordPress export (no wp:wxr_version): "
                        "export from WordPress's Tools → Export."
                    )
                announced = True
                yield site
            if name == "wp:author":
                yield _author(element)
            elif name == "item":
                yield _item(element)
            else:
                yield _term(element, name.removeprefix("wp:").replace("tag", "post_tag"))
        # Each record is built: drop its elements, so memory holds one item at a time.
        element.clear()
        channel.remove(element)
        stream.since_record = 0
    if channel is None:
        raise WxrError("This is XML, but not a WordPress export (no <channel>).")
    if not announced:
        if not site.version:
            raise WxrError("This is an RSS feed, not a WordPress export (no wp:wxr_version).")
        yield site


def _is_export(name: str) -> bool:
    # A zip made on a Mac also holds "__MACOSX/._name.xml", resource forks that are not XML.
    base = name.rpartition("/")[2]
    return base.lower().endswith(".xml") and not base.startswith("._")


@contextmanager
def open_documents(path):
    """The XML documents of an export file: itself, its gunzipped content, or the .xml files of
    a zip (WordPress.com), as binary streams."""
    with open(path, "rb") as raw:
        magic = raw.read(4)
    if magic[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as stream:
            yield [stream]
    elif magic == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise WxrError(f"The zip file is damaged: {error}.") from None
        with archive:
            names = sorted(n for n in archive.namelist() if _is_export(n))
            if not names:
                raise WxrError("The zip file holds no .xml export.")
            streams = [archive.open(name) for name in names]
            try:
                yield streams
            finally:
                for stream in streams:
                    stream.close()
    else:
        with open(path, "rb") as stream:
            yield [stream]


def read_export(path, *, checked=False) -> Iterator:
    """Every record of the export at `path`, in order; a WxrError for anything unreadable.
    `checked`: the file already passed a first reading (see _parse)."""
    try:
        with open_documents(path) as streams:
            for stream in streams:
                yield from _records(stream, checked=checked)
    except DefusedXmlException as error:
        raise WxrError(
            f"The file declares a document type or entities ({type(error).__name__}), which a "
            "WordPress export never does; refused, nothing was expanded or fetched."
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise WxrError(
            f"The file is not well-formed XML at line {line}, column {column} ({error.msg})"
            ": truncated, not XML, or holding invalid characters or bytes that are not UTF-8."
        ) from None
    except (gzip.BadGzipFile, zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise WxrError(
            f"The compressed file is damaged: {error or type(error).__name__}."
        ) from None
