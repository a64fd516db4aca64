"""Members' comments are plain text. This turns one into safe HTML, once, when it is saved:
paragraphs and line breaks, `>` quoted lines as block quotes, http(s) addresses as links.
Every character the member typed goes through escaping; no markup of theirs survives."""

import re
from html import escape

from django.utils.safestring import SafeString

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_LINE_BREAK = "<br>"


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing bracket) off a matched address."""
    tail = ""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count(")") > url.count("(")):
            url, tail = url[:-1], last + tail
        else:
            break
    return url, tail


def _join(parts, separator="") -> SafeString:
    return SafeString(separator.join(parts))


def _inline(text: str) -> str:
    # The standard library's escape() escapes & < > " ' exactly as Django's does, without its
    # lazy-string checks: imports render hundreds of thousands of comments through here.
    parts = []
    position = 0
    for match in _URL.finditer(text):
        url, tail = _trim_url(match.group())
        parts.append(escape(text[position : match.start()]))
        if url.partition("://")[2]:
            safe_url = escape(url)
            parts.append(f'<a href="{safe_url}" rel="nofollow ugc noopener">{safe_url}</a>')
        else:
            parts.append(escape(url))
        parts.append(escape(tail))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def render_comment_text(text: str) -> SafeString:
    """Plain text in, escaped HTML out: <p>, <br>, <blockquote> and nofollow links only."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = []
    for paragraph in _BLANK_LINES.split(text):
        if not paragraph.strip():
            continue
        # Within a paragraph, runs of `>` lines become block quotes, the rest stays text.
        run_is_quote, run = None, []
        for line in paragraph.split("\n"):
            is_quote = line.lstrip().startswith(">")
            if run and is_quote != run_is_quote:
                blocks.append(_block(run, run_is_quote))
                run = []
            run_is_quote = is_quote
            run.append(line.lstrip()[1:].lstrip() if is_quote else line)
        blocks.append(_block(run, run_is_quote))
    return _join(blocks)


def _block(lines: list[str], is_quote: bool) -> str:
    paragraph = "<p>" + _LINE_BREAK.join(_inline(line) for line in lines) + "</p>"
    return f"<blockquote>{paragraph}</blockquote>" if is_quote else paragraph


def count_links(text: str) -> int:
    """How many http(s) addresses the text contains, as the renderer would link them."""
    return len(_URL.findall(text))
