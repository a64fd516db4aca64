"""Test data builders: plain functions with sensible defaults, every field overridable."""

import itertools

from django.utils import timezone

from accounts.models import Author, User
from blog.models import Post, PostAuthor

_sequence = itertools.count(1)


def make_user(**fields) -> User:
    n = next(_sequence)
    fields.setdefault("username", f"member{n}")
    fields.setdefault("email", f"member{n}@example.org")
    fields.setdefault("display_name", f"Member {n}")
    return User.objects.create_user(**fields)


def make_author(**fields) -> Author:
    n = next(_sequence)
    fields.setdefault("name", f"Author {n}")
    fields.setdefault("slug", f"author-{n}")
    return Author.objects.create(**fields)


def make_post(*, authors=None, **fields) -> Post:
    n = next(_sequence)
    fields.setdefault("title", f"Essay {n}")
    fields.setdefault("slug", f"essay-{n}")
    fields.setdefault("body", f"The body of essay {n}.")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timezone.timedelta(days=1))
    post = Post.objects.create(**fields)
    for position, author in enumerate(authors or [make_author()]):
        PostAuthor.objects.create(post=post, author=author, position=position)
    return post
