import io
import re
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db.models import F

from bench.wordpress_export import write_export
from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_a_realistic_export_imports_whole_and_twice_changes_nothing(tmp_path, client):
    path = tmp_path / "blog.xml"
    with path.open("w", encoding="utf-8") as stream:
        write_export(stream, comments=400, comments_per_post=40)
    document = path.read_text()
    in_file = len(re.findall(r"<wp:comment>", document))
    pingbacks = document.count("<wp:comment_type><![CDATA[pingback]]>")

    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out)

    assert in_file == 400
    assert Comment.objects.count() == in_file - pingbacks
    assert f"Skipped: {pingbacks} pingbacks and trackbacks" in out.getvalue()
    assert Post.objects.count() == len(re.findall(r"<wp:post_type><!\[CDATA\[post\]\]>", document))
    assert "<!-- wp:" not in "".join(Post.objects.values_list("body_html", flat=True))
    # Every thread hangs together: a reply's parent is on the same essay.
    assert not Comment.objects.exclude(parent=None).exclude(parent__post=F("post")).exists()
    published = Post.objects.published().first()
    response = client.get(published.get_absolute_url())
    assert response.status_code == HTTPStatus.OK

    again = io.StringIO()
    call_command("import_wordpress", str(path), stdout=again)
    assert again.getvalue().startswith("Nothing changed")
    assert Comment.objects.count() == in_file - pingbacks
