"""Editors' Markdown → sanitised HTML, rendered once when an essay or a bio is saved.

It lives on the ground floor (accounts) because author bios need it and accounts imports no
other app; blog uses it for essay bodies. Editors are trusted to write, not to write HTML: the
output of Markdown goes through nh3 with a short allow-list, so raw HTML in the source, script
URLs and event handlers never reach a page.
"""

import re
import xml.etree.ElementTree as etree
from html import unescape

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A dash at the start of a block quote's last paragraph marks its attribution.
ATTRIBUTION = re.compile(r"^\s*(?:—|–|--)\s*")
HEADING_ID_PREFIX = "section-"


def _heading_id(value: str, separator: str) -> str:
    # Prefixed so that a heading such as "Comments" cannot take the id of a part of the page.
    return HEADING_ID_PREFIX + (slugify(value) or "heading")


class _EssayShapes(Treeprocessor):
    """Shapes the page needs: `#` headings become h2 (the page has the only h1), and
    `> quote` followed by `> — Someone` becomes a figure with the quote and a figcaption."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag == "blockquote":
                    self._attribute(parent, index, child)

    def _attribute(self, parent, index, quote):
        paragraphs = [element for element in quote if element.tag == "p"]
        if len(paragraphs) < 2 or quote[-1] is not paragraphs[-1]:
            return
        last = paragraphs[-1]
        if not last.text or not ATTRIBUTION.match(last.text):
            return
        quote.remove(last)
        figure = etree.Element("figure", {})
        figure.tail = quote.tail
        quote.tail = None
        caption = etree.SubElement(figure, "figcaption")
        caption.text = "— " + ATTRIBUTION.sub("", last.text, count=1)
        caption.extend(list(last))
        parent.remove(quote)
        figure.insert(0, quote)
        parent.insert(index, figure)


class _LecternExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_EssayShapes(md), "essay_shapes", 5)


def _renderer() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            "smarty",
            "toc",
            _LecternExtension(),
        ],
        extension_configs={"toc": {"slugify": _heading_id}},
        output_format="html",
    )


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; links get a safe rel."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML fragment, ready to store and show."""
    if not text.strip():
        return ""
    return sanitise_html(_renderer().convert(text))


def plain_text(html: str) -> str:
    """The readable words of an HTML fragment, on one line (for search and word counts)."""
    return " ".join(unescape(strip_tags(html)).split())
