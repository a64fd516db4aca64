"""Tags: the topics editors file essays under, and which of them the public may learn of."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import unique_slug


class TagQuerySet(models.QuerySet):
    def in_print(self, *, now=None):
        """Tags of at least one published essay: the only tags the public may learn of."""
        # Imported when asked: the essay's module imports this one (an essay has tags).
        from blog.models.post import Post

        return self.filter(posts__in=Post.objects.published(now=now)).distinct()


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=70,
        unique=True,
        blank=True,
        help_text=_("Used in the tag page's address. Left empty, it is made from the name."),
        error_messages={"unique": _("Another tag already uses this slug; choose another.")},
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Tag.objects.exclude(pk=self.pk), self.name, max_length=70)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:tag_detail", kwargs={"slug": self.slug})
