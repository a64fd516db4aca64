from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedObject(models.Model):
    """What a WordPress id became here, so that a re-run updates instead of duplicating."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("author")
        POST = "post", _("essay")
        PAGE = "page", _("page (not imported)")

    source = models.CharField(_("site"), max_length=200, help_text=_("The old site's address."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    original_id = models.CharField(_("WordPress id or login"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("id here"), null=True, blank=True)
    # A digest of what the export said last time: an unchanged item is skipped on a re-run.
    checksum = models.CharField(max_length=64, blank=True)
    # Kept private: an author's e-mail address from the export, never shown on the site.
    email = models.EmailField(blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("imported WordPress object")
        verbose_name_plural = _("imported WordPress objects")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "original_id"], name="wordpress_unique_original"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.original_id}"
