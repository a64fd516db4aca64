"""The page's look: the bundled typeface, and every page type at 375 and 1280 px."""

from io import StringIO

import pytest
from django.core.management import call_command

from blog.models import Post

pytestmark = pytest.mark.django_db(transaction=True)


def test_essays_are_set_in_the_bundled_serif_served_from_the_site(page, live_server):
    call_command("demo", stdout=StringIO())
    fonts = []
    page.on("response", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") else None)
    page.goto(Post.objects.published().first().get_absolute_url())
    page.evaluate("document.fonts.ready")

    assert page.evaluate("""document.fonts.check('1rem "Source Serif 4"')""")
    assert fonts and all(url.startswith(live_server.url + "/static/fonts/") for url in fonts)
