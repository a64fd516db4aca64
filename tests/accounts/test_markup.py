import pytest

from accounts.markup import plain_text, render_markdown


def test_markdown_renders_emphasis_links_lists_code_and_images():
    html = render_markdown(
        "Some *emphasis* and **strength**, a [link](https://example.org).\n\n"
        "- one\n- two\n\n"
        "![An infusion pump on a pole](/media/pump.jpg)\n\n"
        "```\nalarm_limit = 120\n```\n"
    )

    assert "<em>emphasis</em>" in html and "<strong>strength</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html
    assert '<img alt="An infusion pump on a pole" src="/media/pump.jpg">' in html
    assert "<pre><code>alarm_limit = 120\n</code></pre>" in html


def test_headings_stay_below_the_page_title_and_get_prefixed_ids():
    html = render_markdown("# Comments\n\n## Why it matters\n\n### Detail\n\ntext")

    assert '<h2 id="section-comments">Comments</h2>' in html
    assert '<h2 id="section-why-it-matters">Why it matters</h2>' in html
    assert '<h3 id="section-detail">Detail</h3>' in html
    assert 'id="comments"' not in html


def test_block_quote_ending_in_a_dash_line_gets_a_figure_with_attribution():
    html = render_markdown("> Measure twice, cut once.\n>\n> — A carpenter, *Workshop Rules*")

    assert html.startswith("<figure><blockquote>")
    assert "<p>Measure twice, cut once.</p>" in html
    assert "<figcaption>— A carpenter, <em>Workshop Rules</em></figcaption></figure>" in html


def test_block_quote_without_attribution_stays_a_plain_quote():
    html = render_markdown("> Only the quote.")

    assert html == "<blockquote>\n<p>Only the quote.</p>\n</blockquote>"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('x')</script>",
        '<img src="x.png" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_dangerous_markup_in_the_source_never_reaches_the_html(source):
    html = render_markdown(source)

    for needle in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<style", "alert("):
        assert needle not in html


def test_empty_source_renders_to_nothing():
    assert render_markdown("  \n") == ""


def test_plain_text_keeps_only_the_words():
    assert plain_text("<p>Fish &amp; <em>chips</em></p>\n<p>now</p>") == "Fish & chips now"
