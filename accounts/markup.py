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
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
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


class _ResponsiveImages(Treeprocessor):
    """Images whose address the caller knows get its attributes (srcset, sizes, dimensions)."""

    def __init__(self, md, image_attributes):
        super().__init__(md)
        self.image_attributes = image_attributes

    def run(self, root):
        images = list(root.iter("img"))
        if not images:
            return
        known = self.image_attributes([image.get("src", "") for image in images])
        for image in images:
            for name, value in known.get(image.get("src", ""), {}).items():
                image.set(name, value)


class _LecternExtension(Extension):
    def __init__(self, image_attributes=None):
        super().__init__()
        self.image_attributes = image_attributes

    def extendMarkdown(self, md):
        md.treeprocessors.register(_EssayShapes(md), "essay_shapes", 5)
        if self.image_attributes:
            md.treeprocessors.register(
                _ResponsiveImages(md, self.image_attributes), "responsive_images", 4
            )


def _image_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3's last word on attributes: srcset candidates must be web or site addresses."""
    if element == "img" and attribute == "srcset":
        for candidate in value.split(","):
            url = candidate.strip().split(" ")[0]
            if not url.startswith(("https://", "http://", "/")) or url.startswith("//"):
                return None
    if element == "img" and attribute == "loading" and value not in {"lazy", "eager"}:
        return None
    if element == "img" and attribute == "decoding" and value not in {"async", "sync", "auto"}:
        return None
    return value


def _renderer(image_attributes=None) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            "smarty",
            "toc",
            _LecternExtension(image_attributes),
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
        attribute_filter=_image_attribute,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str, *, image_attributes=None) -> str:
    """Markdown source → sanitised HTML fragment, ready to store and show.

    `image_attributes(addresses)` may return extra <img> attributes by image address (the
    essays' responsive renditions; accounts knows nothing of where they come from)."""
    if not text.strip():
        return ""
    return sanitise_html(_renderer(image_attributes).convert(text))


def plain_text(html: str) -> str:
    """The readable words of an HTML fragment, on one line (for search and word counts)."""
    return " ".join(unescape(strip_tags(html)).split())
