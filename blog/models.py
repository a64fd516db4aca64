from datetime import timedelta

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=70, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Essays the public may see: status published and a publication time already past."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=now or timezone.now())


class Post(models.Model):
    """An essay."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class CommentMode(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AUTO_CLOSE = "auto_close", _("Close automatically")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        help_text=_("The essay's address; keep it once published."),
    )
    dek = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences under the title and in lists and feeds."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    authors = models.ManyToManyField(
        "accounts.Author", through="PostAuthor", related_name="posts", verbose_name=_("authors")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    featured_image = models.ImageField(_("featured image"), upload_to="posts/", blank=True)
    featured_image_alt = models.CharField(
        _("featured image description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A future date schedules the essay: it stays invisible until then."),
    )
    comment_mode = models.CharField(
        _("comments"), max_length=12, choices=CommentMode.choices, default=CommentMode.OPEN
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

    def get_absolute_url(self):
        return reverse("blog:post_detail", kwargs={"slug": self.slug})

    def is_published(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
        )

    def public_comments_changed(self, *, comment_count: int) -> None:
        """Record a change in what the public sees under this essay (count and cache)."""
        Post.objects.filter(pk=self.pk).update(
            comment_count=comment_count, cache_version=models.F("cache_version") + 1
        )
        self.comment_count = comment_count
        self.refresh_from_db(fields=["cache_version"])

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
