"""The Body field's help text, followed as written, gives what it promises."""

from accounts.markup import render_markdown
from blog.models import Post


def test_a_quotation_credited_as_the_body_help_text_says_gets_its_credit_outside_the_quote():
    help_text = str(Post._meta.get_field("body").help_text)
    assert "a line holding only “>”, then “> — Name”" in help_text
    source = "> Measure twice, cut once.\n>\n> — A carpenter"

    html = render_markdown(source)

    assert html == (
        "<figure><blockquote>\n<p>Measure twice, cut once.</p>\n</blockquote>"
        "<figcaption>— A carpenter</figcaption></figure>"
    )
