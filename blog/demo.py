"""Demo essays for `manage.py demo` (after accounts.demo): tags, essays with bylines, one
scheduled and one draft. Idempotent: an essay whose slug exists is left as it is."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Author
from blog import demo_pages
from blog.demo_essays import ESSAYS
from blog.models import Post, PostAuthor, Tag


def seed(*, now=None) -> list[Post]:
    """Create the demo essays that do not exist yet; return all of them."""
    now = now or timezone.now()
    authors = {author.slug: author for author in Author.objects.all()}
    tag_names = sorted({name for essay in ESSAYS for name in essay["tags"]})
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in tag_names}
    demo_pages.seed()
    posts = []
    for essay in ESSAYS:
        post = Post.objects.filter(slug=essay["slug"]).first()
        if post is None:
            post = _create(essay, authors=authors, tags=tags, now=now)
        posts.append(post)
    return posts


def _create(essay, *, authors, tags, now) -> Post:
    days_ago = essay["days_ago"]
    post = Post.objects.create(
        slug=essay["slug"],
        title=essay["title"],
        dek=essay["dek"],
        body=essay["body"],
        status=Post.Status.DRAFT if days_ago is None else Post.Status.PUBLISHED,
        # Morning publication times, so the archive spreads over several months.
        published_at=None
        if days_ago is None
        else (now - timedelta(days=days_ago)).replace(hour=8, minute=30, second=0, microsecond=0),
        comment_mode=Post.CommentMode.AUTO_CLOSE if days_ago and days_ago > 100 else "open",
        comments_close_after_days=180,
    )
    for position, slug in enumerate(essay["authors"]):
        PostAuthor.objects.create(post=post, author=authors[slug], position=position)
    post.tags.set([tags[name] for name in essay["tags"]])
    # Written when published, not edited since: no "Updated" line on the demo essays.
    Post.objects.filter(pk=post.pk).update(updated_at=post.published_at or now)
    return post
