from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post
from comments.models import Comment
from tests.wordpress.wxr_files import author, comment, export, item

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "<!-- wp:paragraph --><p>Moving a library is mostly <em>boxes</em>.</p><!-- /wp:paragraph -->"
    "<h2>What we learnt</h2>"
    '[caption id="attachment_3" width="300"]<img src="/static/img/none.png" alt="Shelves" /> '
    "Empty shelves, day one[/caption]"
    "<blockquote><p>Never again.</p><cite>The removal team</cite></blockquote>"
)


@pytest.fixture
def imported_blog(tmp_path):
    # Forty comments before the one the old link names, so it is well below the first screen.
    thread = [comment(300 + n, text=f"Early comment {n}. " * 8) for n in range(40)]
    thread += [
        comment(345, text="<p>The one that matters.</p>", name="Ruth Old-Site"),
        comment(346, parent=345, text="A reply to it.", name="Sam Answer"),
    ]
    document = export(
        author("ada", name="Ada Lovelace"),
        item(12, title="Moving the library", slug="moving-the-library", body=BODY, comments=thread),
    )
    path = tmp_path / "export.xml"
    path.write_text(document, encoding="utf-8")
    call_command("import_wordpress", str(path), stdout=StringIO())
    return Post.objects.get()


def test_an_old_permalink_with_a_comment_anchor_lands_on_that_comment(
    page, screenshot, imported_blog
):
    target = Comment.objects.get(original_id=345)
    assert target.pk != 345  # the old number is not the new one: the page must map it

    page.goto("/?p=12#comment-345")

    page.wait_for_url(f"**{imported_blog.get_absolute_url()}#comment-{target.pk}")
    assert page.locator("h1").inner_text() == "Moving the library"
    card = page.locator(f"#comment-{target.pk}")
    assert "The one that matters." in card.inner_text()
    assert page.evaluate(f"document.querySelector('#comment-{target.pk}:target') !== null")
    box = card.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]  # scrolled into view
    screenshot(page, "wordpress-old-comment-link")


def test_an_imported_essay_reads_as_it_did_on_wordpress(page, imported_blog):
    page.goto("/2019/05/moving-the-library/")

    assert page.url.endswith(imported_blog.get_absolute_url())
    body = page.locator(".prose")
    assert body.locator("h2", has_text="What we learnt").is_visible()
    assert body.locator("figure figcaption").inner_text() == "Empty shelves, day one"
    assert body.locator("figure img").get_attribute("alt") == "Shelves"
    assert body.locator("blockquote cite").inner_text() == "The removal team"
    assert "<!--" not in page.content().split("<article", 1)[-1].split("</article>", 1)[0]


def test_a_replytocom_link_lands_on_the_reply(page, imported_blog):
    reply = Comment.objects.get(original_id=346)

    page.goto("/2019/05/moving-the-library/?replytocom=346")

    page.wait_for_url(f"**#comment-{reply.pk}")
    assert "A reply to it." in page.locator(f"#comment-{reply.pk}").inner_text()
