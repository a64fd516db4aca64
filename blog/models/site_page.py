"""The association's standing pages (About, Contact, Privacy): a noun of their own, sharing with
essays only the Markdown renderer and its allow-list."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.markup import render_markdown


class SitePage(models.Model):
    """A standing page of the association (About, Contact, Privacy): editors keep its text in
    the admin, in Markdown through the essays' renderer and allow-list."""

    class Slug(models.TextChoices):
        ABOUT = "about", _("About")
        CONTACT = "contact", _("Contact")
        PRIVACY = "privacy", _("Privacy")

    slug = models.SlugField(_("page"), max_length=20, unique=True, choices=Slug.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"), help_text=_("Markdown, as in essays: **bold**, [a link](https://…), lists.")
    )
    body_html = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)  # derived, like an essay's body_html
        if update_fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:site_page", kwargs={"slug": self.slug})
