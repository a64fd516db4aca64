"""Test data builders: plain functions with sensible defaults, every field overridable."""

import itertools
import re
from importlib import import_module
from io import BytesIO

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from PIL import Image

from accounts.models import Author, User
from blog.models import Post, PostAuthor, Tag

_sequence = itertools.count(1)


def make_user(**fields) -> User:
    n = next(_sequence)
    fields.setdefault("username", f"member{n}")
    fields.setdefault("email", f"member{n}@example.org")
    fields.setdefault("display_name", f"Member {n}")
    return User.objects.create_user(**fields)


def signed_in(user):
    """A test client signed in as this user."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def wants_reply_mail(member: User, how: str = "immediate") -> User:
    """The member asked for mail about replies to their comments (off by default)."""
    from comments.models import MailChoice

    MailChoice.objects.update_or_create(member=member, defaults={"replies": how})
    return member


def unsubscribe_link(message) -> str:
    """The path of a member mail's one-click unsubscribe link, checked to be in its text and in
    both RFC 8058 headers."""
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in message.body  # the same link, for people reading the mail
    return re.search(r"<https?://[^/]+(/\S+)>", header)[1]


def make_author(**fields) -> Author:
    n = next(_sequence)
    fields.setdefault("name", f"Author {n}")
    fields.setdefault("slug", f"author-{n}")
    return Author.objects.create(**fields)


def author_form(**fields) -> dict:
    """What the admin's author form posts: every field, empty unless given."""
    blank = ["credentials", "job_title", "organisation", "bio", "website", "social_links", "user"]
    return {"name": "Amara Okafor", "slug": "amara-okafor", **dict.fromkeys(blank, ""), **fields}


def make_post(*, authors=None, tags=(), **fields) -> Post:
    n = next(_sequence)
    fields.setdefault("title", f"Essay {n}")
    fields.setdefault("slug", f"essay-{n}")
    fields.setdefault("body", f"The body of essay {n}.")
    fields.setdefault("status", Post.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timezone.timedelta(days=1))
    post = Post.objects.create(**fields)
    for position, author in enumerate(authors or [make_author()]):
        PostAuthor.objects.create(post=post, author=author, position=position)
    post.tags.set(tags)
    return post


def make_tag(**fields) -> Tag:
    n = next(_sequence)
    fields.setdefault("name", f"Topic {n}")
    fields.setdefault("slug", f"topic-{n}")
    return Tag.objects.create(**fields)


# The data migrations that create the role groups, re-run when a test finds them gone.
ROLE_MIGRATIONS = [
    ("blog", "0003_editor_and_moderator_groups", "create_groups"),
    ("comments", "0002_moderator_groups", "give_moderators_their_permissions"),
]


def role_group(name: str) -> Group:
    """A role group (Editors, Moderators, Trusted commenters) as the migrations made it.

    Transactional tests (browser, concurrency) end by flushing the database, which removes the
    groups; the next test to need one re-runs those migrations' functions on their own state.
    """
    if not Group.objects.filter(name=name).exists():
        loader = MigrationLoader(connection)
        for app_label, migration, function in ROLE_MIGRATIONS:
            state = loader.project_state((app_label, migration), at_end=True)
            module = import_module(f"{app_label}.migrations.{migration}")
            getattr(module, function)(state.apps, None)
    return Group.objects.get(name=name)


def canned_reason(label: str):
    """A canned reason the data migration seeds (seeded again after a transactional test's
    flush emptied the table, as role_group does for groups)."""
    from comments.models import CannedReason

    if not CannedReason.objects.exists():
        loader = MigrationLoader(connection)
        migration = "0011_seed_canned_reasons"
        state = loader.project_state(("comments", migration), at_end=True)
        import_module(f"comments.migrations.{migration}").seed(state.apps, None)
    return CannedReason.objects.get(label=label)


def make_staff(*, group: str, **fields) -> User:
    """A staff user whose permissions come only from the named group (Editors, Moderators)."""
    user = make_user(is_staff=True, **fields)
    user.groups.add(role_group(group))
    return user


def image_bytes(*, size=(400, 300), image_format="JPEG", color=(40, 90, 160), exif=None) -> bytes:
    """An image file's bytes, made with Pillow; `exif` is a PIL.Image.Exif to embed."""
    mode = "RGBA" if image_format == "PNG" else "RGB"
    image = Image.new(mode, size, color)
    buffer = BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=image_format, **extra)
    return buffer.getvalue()


# Comments (comments app)


def make_moderator(**fields) -> User:
    user = make_user(**fields)
    user.groups.add(role_group("Moderators"))
    return user


def make_comment(*, post=None, author=None, parent=None, **fields):
    from comments.models import Comment

    fields.setdefault("status", Comment.Status.APPROVED)
    fields.setdefault("body", f"Comment number {next(_sequence)}.")
    if author is None and not fields.get("guest_name"):
        author = make_user()
    post = post or (parent.post if parent else make_post())
    comment = Comment.objects.create(post=post, author=author, parent=parent, **fields)
    if comment.is_public():  # as the services keep it: the essay's public count
        post.public_comments_changed(comment_count=post.comments.public().count())
    return comment


def make_thread(*, post, count: int, depth: int = 5, authors=None, status=None):
    """`count` comments under `post` in chains `depth` deep, inserted level by level in bulk."""
    from comments.models import Comment
    from comments.text import render_comment_text

    authors = authors or [make_user() for _ in range(5)]
    status = status or Comment.Status.APPROVED
    start = timezone.now() - timezone.timedelta(days=1)
    # Shape first: comment i answers comment i-1 until the chain is `depth` long.
    levels = [i % depth for i in range(count)]
    rows = []
    for i, level in enumerate(levels):
        body = f"Thought {i}: on reflection, https://example.org/{i} has a point.\n\n> quoted"
        rows.append(
            Comment(
                post=post,
                author=authors[i % len(authors)],
                body=body,
                body_html=render_comment_text(body),
                status=status,
                depth=level,
                created_at=start + timezone.timedelta(seconds=i),
            )
        )
    for level in range(depth):
        batch = [(i, row) for i, row in enumerate(rows) if levels[i] == level]
        for i, row in batch:
            if level:
                row.parent = rows[i - 1]
                row.root = rows[i - level]
        Comment.objects.bulk_create([row for _, row in batch])
    post.public_comments_changed(comment_count=Comment.objects.filter(post=post).public().count())
    return rows
