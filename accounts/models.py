import unicodedata
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.avatars import Avatar, avatar_for
from accounts.markup import render_markdown
from accounts.photos import BIO_SIZE, BYLINE_SIZE


def unique_slug(queryset, text: str, *, max_length: int) -> str:
    """A slug for `text` that no row of `queryset` uses yet: "name", then "name-2", "name-3"…"""
    base = (slugify(text) or "item")[: max_length - 4].strip("-")
    taken = set(queryset.filter(slug__regex=rf"^{base}(-[0-9]+)?$").values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def is_invisible(value: str) -> bool:
    """Only spaces and format characters (zero-width spaces and joiners, word joiners, byte-order
    marks…): text that shows nothing, so counts as empty."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc") for ch in value)


def tidy_name(value: str) -> str:
    """A name on one line: control characters dropped, runs of spaces and line breaks made one;
    a name that shows nothing is no name. (Joiners inside a real name stay: scripts and emoji
    need them.)"""
    if is_invisible(value):
        return ""
    kept = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())


def validate_social_links(value: str) -> None:
    check = URLValidator(schemes=["http", "https"])
    for line in value.splitlines():
        if line.strip():
            try:
                check(line.strip())
            except ValidationError as error:
                raise ValidationError(
                    _("“%(line)s” is not a web address (one address per line, with https://)."),
                    params={"line": line.strip()},
                    code="invalid_social_link",
                ) from error


class User(AbstractUser):
    """A person who can sign in: a member who comments, or staff who edit and moderate."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_(
            "The name shown in public: beside comments and replies, in histories and messages. "
            "Left empty, the first and last name are shown; failing those, a staff member's "
            "username, or for a member a neutral “Member” and a number."
        ),
    )
    provider_picture_url = models.URLField(
        _("provider's picture URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where the member's sign-in provider keeps their picture. Pages never show it from "
            "there: a copy is fetched and stored on this site."
        ),
    )
    # Storage names of the member's picture as stored here, square: 96 and 192 pixels.
    picture_small = models.CharField(max_length=200, blank=True, editable=False)
    picture_large = models.CharField(max_length=200, blank=True, editable=False)
    display_name_chosen = models.BooleanField(
        _("display name chosen by the member"),
        default=False,
        help_text=_(
            "Set when the member edits their display name; sign-in then stops replacing it "
            "with the name from their provider."
        ),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_display_name()

    def save(self, *args, **kwargs):
        # Derived: staff speak in public under their name (moderators' replies, histories), so a
        # staff account without a display name gets one. Pages that build users from a few
        # columns (the comment thread) then need nothing but display_name to name them.
        if self.is_staff and not self.display_name:
            self.display_name = self.get_display_name()
            if update_fields := kwargs.get("update_fields"):
                kwargs["update_fields"] = {*update_fields, "display_name"}
        super().save(*args, **kwargs)

    def get_display_name(self) -> str:
        # The fallback only when needed: neutral_name is a keyed hash, asked for on every page.
        return (
            self.display_name
            or tidy_name(self.get_full_name())
            or (self.username if self.is_staff else self.neutral_name)
        )

    @property
    def avatar(self) -> Avatar:
        """The member's stored picture, else their initials: the one rule (accounts.avatars)."""
        return avatar_for(
            key=self.pk,
            name=self.get_display_name(),
            picture=self.picture_small,
            picture_large=self.picture_large,
        )

    @property
    def neutral_name(self) -> str:
        """ "Member 048213": never the username, which older sign-ups made from e-mail addresses.

        The number is a keyed hash of the username, so it is the same wherever a member is built
        from (the comment thread has no primary key) and reveals nothing.
        """
        key = "accounts.User.neutral_name"
        digest = salted_hmac(key, self.username, algorithm="sha256").hexdigest()
        return _("Member %(number)s") % {"number": f"{int(digest[:8], 16) % 1_000_000:06d}"}


class Author(models.Model):
    """A byline and bio. Authors need not have a login; `user` links one when they do."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=160,
        unique=True,
        blank=True,
        help_text=_("Used in the author page's address. Left empty, it is made from the name."),
        error_messages={"unique": _("Another author already uses this slug; choose another.")},
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
    bio_html = models.TextField(editable=False, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="authors/",
        blank=True,
        help_text=_(
            "A JPEG, PNG or WebP portrait, at least 240 × 240 pixels and at most 5 MB. "
            "It is cropped to a square; location and camera data are removed."
        ),
    )
    # Square renditions of the photo by edge length in pixels: {"96": "authors/….jpg", …}.
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    website = models.URLField(_("website"), blank=True)
    social_links = models.TextField(
        _("social links"),
        blank=True,
        validators=[validate_social_links],
        help_text=_("Profiles elsewhere (LinkedIn, Mastodon…), one web address per line."),
    )
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

    def save(self, *args, **kwargs):
        # Derived fields only: the slug when left empty, and the bio's sanitised HTML.
        if not self.slug:
            others = Author.objects.exclude(pk=self.pk)
            self.slug = unique_slug(others, self.name, max_length=160)
        self.bio_html = render_markdown(self.bio)
        if update_fields := kwargs.get("update_fields"):
            kwargs["update_fields"] = {*update_fields, "slug", "bio_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:author_detail", kwargs={"slug": self.slug})

    @property
    def name_with_credentials(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def role(self) -> str:
        """ "Vice president of clinical technology, Riverside Health" — or whichever part is set."""
        return ", ".join(part for part in (self.job_title, self.organisation) if part)

    def photo_at(self, size: int) -> dict | None:
        """src, srcset, width and height for showing the photo as a `size`-pixel square."""
        stored = self.photo_renditions or {}
        if str(size) not in stored:
            return None
        storage = self._meta.get_field("photo").storage
        src = storage.url(stored[str(size)])
        double = stored.get(str(size * 2))
        srcset = f"{src} 1x, {storage.url(double)} 2x" if double else ""
        return {"src": src, "srcset": srcset, "width": size, "height": size}

    @property
    def byline_photo(self) -> dict | None:
        return self.photo_at(BYLINE_SIZE)

    @property
    def bio_photo(self) -> dict | None:
        return self.photo_at(BIO_SIZE)

    def social_link_list(self) -> list[tuple[str, str]]:
        """(label, address) for each social link: the label is the site's host name."""
        links = []
        for line in self.social_links.splitlines():
            if url := line.strip():
                host = urlsplit(url).hostname or url
                links.append((host.removeprefix("www."), url))
        return links
