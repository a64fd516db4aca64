from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who can sign in: a member who comments, or staff who edit and moderate."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("Shown beside the member's comments. Falls back to the username."),
    )
    avatar_url = models.URLField(
        _("avatar URL"),
        max_length=500,
        blank=True,
        help_text=_("Picture from the member's sign-in provider, if it gives one."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Author(models.Model):
    """A byline and bio. Authors need not have a login; `user` links one when they do."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"), max_length=160, unique=True, help_text=_("Used in the author page's address.")
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=60,
        blank=True,
        help_text=_('Post-nominal letters, e.g. "CCE".'),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    bio = models.TextField(
        _("bio"),
        blank=True,
        help_text=_("A short biography in Markdown, shown at the end of essays."),
    )
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    website = models.URLField(_("website"), blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_(
            "Optional: the member account of this author, for an author badge in comments."
        ),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name_with_credentials

    @property
    def name_with_credentials(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name
