"""WordPress's stored HTML → the HTML an essay keeps as its source, and comment HTML → the
plain text Lectern stores for comments.

WordPress keeps post bodies half-finished: paragraphs as blank lines (it adds <p> when it shows
them), block-editor comments, and shortcodes such as [caption]. What these functions produce
reads the same as the old page; Post.save() then sanitises it with the Markdown allow-list."""

import re
from html import escape, unescape
from html.parser import HTMLParser

from accounts.markup import HEADING_ID_PREFIX

BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->|<!--\s*(?:more|noteaser|nextpage)\b.*?-->", re.S)
CAPTION = re.compile(r"\[(?:wp_)?caption\b([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
CAPTION_ATTRIBUTE = re.compile(r'\bcaption=(?:"([^"]*)"|\'([^\']*)\')', re.I)
FIRST_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.S | re.I)
EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
IFRAME = re.compile(r"<iframe\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>.*?</iframe>", re.S | re.I)
# Shortcodes WordPress itself or common plugins register, removed even without attributes;
# otherwise only [name attr=…] or a closing [/name] counts, so "[sic]" and "[1]" stay text.
KNOWN_SHORTCODES = (
    "gallery|audio|video|playlist|embed|contact-form|contact-form-7|gravityform|wpforms|"
    "instagram|tweet|youtube|vimeo|soundcloud|googlemaps|recent-posts|archives|sitemap"
)
SHORTCODE = re.compile(
    rf"\[/?(?:(?:{KNOWN_SHORTCODES})\b[^\]]*|[a-zA-Z_][\w-]*\s+[^\]]*=[^\]]*)/?\]"
    r"|\[/[a-zA-Z_][\w-]*\]"
)
BARE_URL_LINE = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$", re.M)
BLOCK_TAG = re.compile(
    r"^\s*</?(?:p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|"
    r"figure|figcaption|hr|address|section|article|aside|header|footer|form|iframe|style|script"
    r")\b",
    re.I,
)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]", re.I)
GALLERY_IDS = re.compile(r"\bids=[\"']?([\d,\s]+)", re.I)
HEADING_ID = re.compile(r"(<h[1-6]\b[^>]*?\bid=[\"'])([^\"']+)", re.I)
IN_PAGE_LINK = re.compile(r"(\bhref=[\"']#)([^\"']+)", re.I)
PREFIX = HEADING_ID_PREFIX
UPLOAD_URL = re.compile(r"""((?:src|href)=["'])([^"']+)(["'])""", re.I)


def _caption(match) -> str:
    attributes, inner = match.group(1), match.group(2)
    media = FIRST_MEDIA.match(inner)
    if media is None:
        return inner
    text = media.group(2).strip()
    if not text and (found := CAPTION_ATTRIBUTE.search(attributes)):
        text = found.group(1) or found.group(2) or ""
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    # Blank lines around it: a figure is a block of its own, never inside a paragraph.
    return f"\n\n<figure>{media.group(1)}{caption}</figure>\n\n"


def _link(url: str) -> str:
    url = unescape(url.strip())
    return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'


def has_paragraphs(html: str) -> bool:
    """Whether the HTML was written with its <p> tags (the block editor) or without (classic)."""
    return re.search(r"<p[\s>]", html, re.I) is not None


def autop(html: str) -> str:
    """Paragraphs from blank lines, line breaks from single newlines, as WordPress shows a
    classic-editor post."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", html.replace("\r\n", "\n").strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_TAG.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(blocks)


def _gallery(match, attachment) -> str:
    ids = GALLERY_IDS.search(match.group(1))
    found = [attachment(int(n)) for n in re.findall(r"\d+", ids.group(1))] if ids else []
    figures = "".join(
        f'<figure><img src="{escape(url)}" alt="{escape(alt)}"></figure>'
        for url, alt in filter(None, found)
        if url
    )
    return f"\n\n{figures}\n\n" if figures else ""


def _own_anchors(html: str) -> str:
    # The essay page has its own ids ("comments", "main"): a heading id of the old post (a
    # table-of-contents plugin writes id="comments" for a heading "Comments") is prefixed as
    # Markdown headings are, and the post's links to it follow.
    ids = {found for _, found in HEADING_ID.findall(html)}
    if not ids:
        return html
    html = HEADING_ID.sub(lambda m: m.group(1) + PREFIX + m.group(2), html)
    return IN_PAGE_LINK.sub(
        lambda m: m.group(1) + PREFIX + m.group(2) if m.group(2) in ids else m.group(0), html
    )


def post_html(html: str, *, rewrite_url=None, attachment=None) -> str:
    """A WordPress post body as clean HTML source: block comments gone, [caption] as <figure>,
    [gallery ids=…] as its images (`attachment`: WordPress id → (address, alt) or None), embeds
    as links, other shortcodes removed (their content kept), paragraphs made."""
    classic = not has_paragraphs(html)
    html = BLOCK_COMMENT.sub("", html)
    html = CAPTION.sub(_caption, html)
    if attachment is not None:
        html = GALLERY.sub(lambda m: _gallery(m, attachment), html)
    html = _own_anchors(html)
    html = EMBED.sub(lambda m: "\n\n" + _link(m.group(1)) + "\n\n", html)
    html = IFRAME.sub(lambda m: "\n\n" + _link(m.group(1)) + "\n\n", html)
    html = SHORTCODE.sub("", html)
    # A URL alone on its line is an oEmbed (a video, a post elsewhere): shown as its link.
    html = BARE_URL_LINE.sub(lambda m: "\n" + _link(m.group(1)) + "\n", html)
    if classic:
        html = autop(html)
    if rewrite_url is not None:
        html = UPLOAD_URL.sub(lambda m: m.group(1) + rewrite_url(m.group(2)) + m.group(3), html)
    return html.strip()


def upload_urls(html: str) -> list[str]:
    """Every src and href of the HTML (the importer picks the uploaded files among them)."""
    return [unescape(m.group(2)) for m in UPLOAD_URL.finditer(html)]


class _CommentText(HTMLParser):
    """Comment HTML → text: paragraphs and line breaks kept, quotes as "> " lines, links as
    their text followed by the address (so nothing a commenter linked is lost)."""

    BREAKS = {"br": "\n", "p": "\n\n", "div": "\n\n", "li": "\n", "ul": "\n\n", "ol": "\n\n"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.quote_depth, self.links = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "blockquote":
            self.parts.append("\n\n")
            self.quote_depth += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))
        elif tag in self.BREAKS:
            self.parts.append(self.BREAKS[tag])

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(p for p in self.parts[start:] if not isinstance(p, tuple)).strip()
            if href.startswith(("http://", "https://")) and href.rstrip("/") != text.rstrip("/"):
                self.parts.append(f" ({href})" if text else href)
        elif tag in ("p", "div", "li", "ul", "ol"):
            self.parts.append(self.BREAKS[tag])

    def handle_data(self, data):
        if self.quote_depth:
            data = data.replace("\n", "\n> ")
            if not self.parts or self.parts[-1].endswith("\n"):
                data = "> " + data.lstrip()
        self.parts.append(data)


def comment_text(html: str) -> str:
    """What a WordPress comment said, as Lectern's plain comment text."""
    parser = _CommentText()
    parser.feed(html.replace("\r\n", "\n"))
    parser.close()
    text = "".join(parser.parts)
    # Quote markers only on quoted lines' text; blank lines collapsed to one.
    text = re.sub(r"\n(?:> *\n)+", "\n\n", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return clean_text(text.strip())


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text without control characters (XML forbids most already; NUL cannot be stored)."""
    return CONTROL.sub("", text)
