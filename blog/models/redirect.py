"""Old addresses that moved, kept apart from the essay: editors' slug changes and imports from
other sites write them, and a middleware answers with them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from blog.models.post import Post


class RedirectQuerySet(models.QuerySet):
    def for_paths(self, paths):
        """The redirect of the first of these old addresses that has one (None if none has)."""
        found = {r.old_path: r for r in self.filter(old_path__in=paths).select_related("post")}
        return next((found[path] for path in paths if path in found), None)


class Redirect(models.Model):
    """An old address that moved: to an essay (followed through slug changes), to another
    address, or gone for good. Shared by editors' slug changes and imports from other sites."""

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path on this site, with its query string if any: /2019/05/slug/, /?p=12."),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="redirects",
        verbose_name=_("essay"),
    )
    target_path = models.CharField(
        _("new address"),
        max_length=500,
        blank=True,
        help_text=_("Used when no essay is chosen; empty with no essay means “gone” (410)."),
    )
    fragment = models.CharField(
        _("anchor"), max_length=60, blank=True, help_text=_("A place in the page: comment-12.")
    )
    source = models.CharField(
        _("made by"), max_length=60, blank=True, help_text=_("e.g. a WordPress import.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["old_path"]

    def __str__(self):
        return self.old_path

    def location(self) -> str:
        """Where the old address now lives; empty when it is gone."""
        path = self.post.get_absolute_url() if self.post_id else self.target_path
        if path and self.fragment:
            return f"{path}#{self.fragment}"
        return path
