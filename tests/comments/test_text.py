import pytest

from comments.text import count_links, render_comment_text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hello", "<p>Hello</p>"),
        ("One\ntwo", "<p>One<br>two</p>"),
        ("One\r\n\r\nTwo", "<p>One</p><p>Two</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("> quoted\n> still\nmine", "<blockquote><p>quoted<br>still</p></blockquote><p>mine</p>"),
        ("مرحبا 👋 שלום", "<p>مرحبا 👋 שלום</p>"),
        ("javascript:alert(1)", "<p>javascript:alert(1)</p>"),
    ],
)
def test_comment_text_becomes_escaped_paragraphs_and_quotes(text, html):
    assert render_comment_text(text) == html


def test_web_addresses_become_nofollow_links_without_trailing_punctuation():
    html = render_comment_text('See https://example.org/a?b=1&c="x" (and http://example.com/x).')

    assert (
        '<a href="https://example.org/a?b=1&amp;c=" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=</a>"
    ) in html
    assert '<a href="http://example.com/x" rel="nofollow ugc noopener">' in html
    assert "</a>).</p>" in html


def test_links_are_counted_as_the_renderer_links_them():
    assert count_links("https://a.example http://b.example ftp://c.example") == 2
