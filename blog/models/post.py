"""The essay: its queryset (which essays the public sees, and what comes in their query), the
model with its derived fields and per-essay questions, and its bylines."""

import functools
import math
from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import JSONObject, Left
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.markup import plain_text, render_markdown, sanitise_html
from accounts.models import Author, unique_slug
from blog.images import EssayImage
from blog.models.tag import Tag
from config.database.compiled import ESSAY_STAND_IN, Statement, compile_update, run

# Adults read non-fiction on screen at roughly this many words a minute.
WORDS_PER_MINUTE = 230
SEARCH_CONFIG = "english"
SEARCHED_BODY = 250_000  # characters of an essay's text that search reads (see search_document)
SEARCHED_DEK = 20_000


class PostQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Essays the public may see: status published and a publication time already past."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, *, now=None):
        """Essays marked published whose publication time is still to come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def newest_first(self):
        """Latest publication first; stated explicitly, because an aggregate (with_tags) drops
        the model's default ordering from the query."""
        return self.order_by("-published_at", "-id")

    def next_publication_at(self, *, now=None):
        """When the next scheduled essay goes public (None when nothing is scheduled)."""
        return (
            self.scheduled(now=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def with_bylines(self):
        """Prefetch each essay's authors in byline order, so `post.authors.all()` costs nothing."""
        # Ordering by the through table reuses the prefetch's own join: one row per byline.
        in_order = Author.objects.order_by("bylines__position", "bylines__id")
        return self.prefetch_related(models.Prefetch("authors", queryset=in_order))

    def with_author_user_ids(self):
        """Each essay's authors who are members, in the essay's own query (Post.author_user_ids)."""
        members = PostAuthor.objects.filter(post=models.OuterRef("pk"), author__user__isnull=False)
        return self.annotate(author_user_id_list=ArraySubquery(members.values("author__user_id")))

    def with_tags(self):
        """Each essay's tags, fetched in the essay's own query (see Post.tag_list)."""
        # An aggregate rather than a prefetch: the essay page has a query budget to keep.
        return self.annotate(
            tag_rows=ArrayAgg(
                JSONObject(id="tags__id", name="tags__name", slug="tags__slug"),
                filter=models.Q(tags__isnull=False),
                order_by="tags__name",
            )
        )


def authors_in_print(*, now=None):
    """Authors of at least one published essay: the only authors the public may learn of."""
    # Here rather than on Author's manager: accounts must not know about essays.
    return Author.objects.filter(posts__in=Post.objects.published(now=now)).distinct()


class Post(models.Model):
    """An essay."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class SourceFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML (imported)")

    class CommentMode(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AUTO_CLOSE = "auto_close", _("Close automatically")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        blank=True,
        help_text=_(
            "The essay's address, filled in from the title. Keep it once published: "
            "links elsewhere point to it."
        ),
        error_messages={
            "unique": _("Another essay already uses this slug; choose a different address.")
        },
    )
    dek = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences under the title and in lists and feeds."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: ## for a section heading, *emphasis*, **strong**, [link text](https://…), "
            "![image description](address), > at the start of each line of a quotation "
            "(to credit it, follow it with a line holding only “>”, then “> — Name”), "
            "``` fences for code. HTML is removed."
        ),
    )
    source_format = models.CharField(
        _("source format"),
        max_length=10,
        choices=SourceFormat.choices,
        default=SourceFormat.MARKDOWN,
        help_text=_(
            "How the body is written. Imported essays keep their original HTML, cleaned by the "
            "same rules as Markdown output (tags outside the allowed set are removed)."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    authors = models.ManyToManyField(
        "accounts.Author", through="PostAuthor", related_name="posts", verbose_name=_("authors")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    featured_image = models.ImageField(
        _("featured image"),
        upload_to="posts/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
        help_text=_(
            "Shown under the title and when the essay is shared: a JPEG, PNG or WebP picture, "
            "at least 600 pixels on its shorter side, at most 5 MB; wide ones (1200 px) look "
            "best. Camera and location data are removed."
        ),
    )
    featured_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    featured_image_alt = models.CharField(
        _("featured image description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Drafts are seen only by staff, at the essay's preview address."),
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the essay goes public. A future date schedules it: it stays invisible "
            "everywhere until then. Left empty, publishing sets it to now."
        ),
    )
    comment_mode = models.CharField(
        _("comments"),
        max_length=12,
        choices=CommentMode.choices,
        default=CommentMode.OPEN,
        help_text=_("Whether members may add comments. Existing approved comments stay visible."),
    )
    comments_close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        default=30,
        help_text=_("Used when comments close automatically: days after publication."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Maintained by the comments app through public_comments_changed(): the number of comments
    # the public sees, and a counter that invalidates cached copies of the essay's pages.
    comment_count = models.PositiveIntegerField(_("public comments"), default=0, editable=False)
    cache_version = models.PositiveIntegerField(default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()
    # A revision per save, from the admin, actions or imports alike (blog.revisions reads them):
    # what editors write and decide, not derived or counted fields, nor image files, which go
    # when replaced.
    history = HistoricalRecords(
        excluded_fields=[
            "body_html", "body_text", "search_vector", "word_count", "comment_count",
            "cache_version", "created_at", "updated_at", "featured_image",
            "featured_image_width", "featured_image_height",
        ]
    )  # fmt: skip

    class Meta:
        verbose_name = _("essay")
        verbose_name_plural = _("essays")
        ordering = ["-published_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_vector_gin"),
            models.Index(fields=["status", "published_at"], name="post_status_published_at"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived fields only (STYLE.md): slug, rendered HTML, plain text, word count, and the
        # search vector, which Postgres computes from the saved columns right after.
        if not self.slug:
            self.slug = unique_slug(Post.objects.exclude(pk=self.pk), self.title, max_length=220)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.body_html = self.render_body()
        self.body_text = plain_text(self.body_html)
        self.word_count = len(self.body_text.split())
        if update_fields := kwargs.get("update_fields"):
            derived = {"slug", "published_at", "body_html", "body_text", "word_count"}
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)
        Post.objects.filter(pk=self.pk).update(search_vector=self.search_document())

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def render_body(self) -> str:
        """The body as sanitised HTML: Markdown rendered, or imported HTML cleaned, by one
        allow-list (accounts.markup). Pictures uploaded for essays (blog.images) get their
        responsive renditions."""
        if self.source_format == self.SourceFormat.HTML:
            return sanitise_html(self.body) if self.body.strip() else ""
        return render_markdown(self.body, image_attributes=EssayImage.objects.responsive)

    def get_preview_url(self):
        return reverse("blog:post_preview", kwargs={"pk": self.pk})

    @staticmethod
    def search_document():
        """What search looks at, weighted: title (A) over summary (B) over body (C)."""
        # A tsvector holds at most 1 MB: a longer essay (a book imported whole) would fail to
        # save. Its first 250,000 characters (some 40,000 words) are searched, well below that.
        return (
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector(Left("dek", SEARCHED_DEK), weight="B", config=SEARCH_CONFIG)
            + SearchVector(Left("body_text", SEARCHED_BODY), weight="C", config=SEARCH_CONFIG)
        )

    @property
    def byline_authors(self) -> list:
        """The essay's authors in byline order (prefetched by PostQuerySet.with_bylines())."""
        if "authors" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.authors.all())
        return list(self.authors.order_by("bylines__position", "bylines__id"))

    @property
    def author_user_ids(self) -> set[int]:
        """The members among the essay's authors (their comments say so): annotated by
        PostQuerySet.with_author_user_ids(), else from its authors (prefetched or queried)."""
        if hasattr(self, "author_user_id_list"):
            return set(self.author_user_id_list)
        return {author.user_id for author in self.authors.all() if author.user_id}

    @property
    def tag_list(self) -> list[Tag]:
        """The essay's tags by name (annotated by PostQuerySet.with_tags(), else queried)."""
        if hasattr(self, "tag_rows"):
            return [Tag(**row) for row in self.tag_rows or []]
        return list(self.tags.all())

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def is_scheduled(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > now
        )

    def state_label(self, *, now=None) -> str:
        """Draft, Scheduled or Published: what editors need to know at a glance."""
        if self.is_scheduled(now=now):
            return _("Scheduled")
        return self.get_status_display()

    def was_updated(self) -> bool:
        """Whether the essay changed noticeably (a day or more) after it was published."""
        return bool(self.published_at and self.updated_at - self.published_at > timedelta(days=1))

    def is_published(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    def public_comments_changed(self, *, comment_count) -> None:
        """Record a change in what the public sees under this essay (count and cache).

        `comment_count` may be an expression (a count computed by the same UPDATE)."""
        Post.objects.filter(pk=self.pk).update(
            comment_count=comment_count, cache_version=models.F("cache_version") + 1
        )
        # Left deferred, read again only if this request asks for them (most never do).
        self.__dict__.pop("cache_version", None)
        if isinstance(comment_count, int):
            self.comment_count = comment_count
        else:
            self.__dict__.pop("comment_count", None)

    def public_comment_added(self) -> None:
        """One more public comment: its count goes up by one, its cached pages go stale. The
        caller holds the essay's lock (the stored count stays exact); the cost is the same
        however long the thread."""
        run(_count_up_statement(), {ESSAY_STAND_IN: self.pk})
        self.__dict__.pop("cache_version", None)
        self.__dict__.pop("comment_count", None)

    def neighbours(self) -> tuple["Post | None", "Post | None"]:
        """The published essays just before and just after this one, in one query."""
        if self.published_at is None:
            return None, None
        shown = Post.objects.published().only("title", "slug", "published_at")
        at, pk = self.published_at, self.pk
        older = shown.filter(
            models.Q(published_at__lt=at) | models.Q(published_at=at, pk__lt=pk)
        ).order_by("-published_at", "-id")[:1]
        newer = shown.filter(
            models.Q(published_at__gt=at) | models.Q(published_at=at, pk__gt=pk)
        ).order_by("published_at", "id")[:1]
        found = list(older.union(newer))
        before = [p for p in found if (p.published_at, p.pk) < (at, pk)]
        after = [p for p in found if (p.published_at, p.pk) > (at, pk)]
        return (before[0] if before else None), (after[0] if after else None)

    def related(self, *, limit: int = 3) -> list["Post"]:
        """Published essays that share the most tags with this one, newest first among equals."""
        tag_ids = [tag.id for tag in self.tag_list]
        if not tag_ids:
            return []
        return list(
            Post.objects.published()
            .exclude(pk=self.pk)
            .filter(tags__in=tag_ids)
            .annotate(shared=models.Count("tags"))
            .order_by("-shared", "-published_at", "-id")
            .only("title", "slug", "published_at")[:limit]
        )

    def comments_open_on_publication(self) -> bool:
        """Whether an essay not yet public will take comments once it is (what previews say)."""
        return not self.is_published() and self.comment_mode != self.CommentMode.CLOSED

    def comments_close_at(self):
        if self.comment_mode != self.CommentMode.AUTO_CLOSE or self.published_at is None:
            return None
        return self.published_at + timedelta(days=self.comments_close_after_days)

    def comments_are_open(self, *, now=None) -> bool:
        """Whether members may post new comments: published, not closed, not expired."""
        now = now or timezone.now()
        if not self.is_published(now=now) or self.comment_mode == self.CommentMode.CLOSED:
            return False
        close_at = self.comments_close_at()
        return close_at is None or now < close_at


@functools.cache
def _count_up_statement() -> Statement:
    # Compiled once per process (see config.database.compiled): run with every public comment.
    essay = Post.objects.filter(pk=ESSAY_STAND_IN)
    return compile_update(
        essay,
        comment_count=models.F("comment_count") + 1,
        cache_version=models.F("cache_version") + 1,
    )


class PostAuthor(models.Model):
    """An author's place in an essay's byline."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("accounts.Author", on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "author"], name="unique_author_per_post")
        ]

    def __str__(self):
        return f"{self.author} on {self.post}"
