from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Author
from blog.models import Post

pytestmark = pytest.mark.django_db


def test_demo_content_has_authors_with_photos_and_essays_in_every_state_and_is_idempotent():
    call_command("demo", stdout=StringIO())
    first = {
        "authors": list(Author.objects.values_list("slug", "photo", "photo_renditions")),
        "posts": list(Post.objects.values_list("slug", "published_at", "status")),
    }

    call_command("demo", stdout=StringIO())

    assert Author.objects.count() >= 3
    assert all(author.bio_photo for author in Author.objects.all())
    assert Post.objects.count() == 12
    assert Post.objects.published().count() == 10
    assert Post.objects.scheduled().count() == 1
    assert Post.objects.filter(status=Post.Status.DRAFT).count() == 1
    months = Post.objects.published().dates("published_at", "month")
    assert len(months) >= 4
    assert all(post.tag_list for post in Post.objects.all())
    assert {
        "authors": list(Author.objects.values_list("slug", "photo", "photo_renditions")),
        "posts": list(Post.objects.values_list("slug", "published_at", "status")),
    } == first
