"""Pictures inside essays: uploaded from the essay form, written into the body as Markdown
(`![description](address)`), and shown as responsive renditions (srcset) wherever the body is
rendered. Files go through Django's storage API (local disk or the media bucket)."""

from uuid import uuid4

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.photos import width_renditions

# Candidate widths for srcset; the page's text column is about 42rem (670 px) wide, so 1200 px
# covers it at twice the density.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
SHOWN_WIDTH = 1200  # the rendition the Markdown links to (what a browser without srcset loads)
SIZES = "(min-width: 46rem) 42rem, 100vw"


class EssayImageQuerySet(models.QuerySet):
    def responsive(self, sources: list[str]) -> dict[str, dict]:
        """For the image addresses in a body: the <img> attributes of the known ones, by address."""
        found = self.filter(src__in=set(sources))
        return {image.src: image.img_attributes() for image in found}


class EssayImage(models.Model):
    """A picture uploaded for use inside essays."""

    image = models.ImageField(
        _("image"), upload_to="essays/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt = models.CharField(
        _("description"),
        max_length=250,
        help_text=_("Describe the image for readers who cannot see it."),
    )
    # Renditions by width in pixels: {"480": "essays/….jpg", …}; `src` is the address written
    # into essays' Markdown, by which rendering finds the image again.
    renditions = models.JSONField(default=dict, editable=False)
    src = models.CharField(max_length=500, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EssayImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("essay image")
        verbose_name_plural = _("essay images")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.alt

    def markdown(self) -> str:
        """What the essay's body gets: the image, described, at its address."""
        described = self.alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        return f"![{described}]({self.src})"

    def img_attributes(self) -> dict[str, str]:
        storage = self._meta.get_field("image").storage
        widths = sorted(int(width) for width in self.renditions)
        shown = max([w for w in widths if w <= SHOWN_WIDTH] or widths[:1])
        return {
            "srcset": ", ".join(f"{storage.url(self.renditions[str(w)])} {w}w" for w in widths),
            "sizes": SIZES,
            "width": str(shown),
            "height": str(round(self.height * shown / self.width)),
            "loading": "lazy",
            "decoding": "async",
        }


def essay_image_upload(*, photo, alt: str, user) -> EssayImage:
    """Store a checked picture (accounts.photos.clean_photo) and its width renditions."""
    image = EssayImage(alt=alt, uploaded_by=user)
    image.image.save(photo.name, photo, save=False)
    stem = image.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    with default_storage.open(image.image.name) as stored:
        renditions = width_renditions(stored, RENDITION_WIDTHS)
    for width, content in renditions.items():
        name = default_storage.save(f"essays/{stem}-{width}w-{uuid4().hex[:6]}.jpg", content)
        image.renditions[str(width)] = name
    shown = max([w for w in renditions if w <= SHOWN_WIDTH] or [min(renditions)])
    image.src = default_storage.url(image.renditions[str(shown)])
    image.save()
    return image
