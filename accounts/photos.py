"""Author photos: checked with Pillow, stripped of metadata, cut into square renditions.

An upload is decoded once here and never trusted: its declared type and name are ignored, its
pixels are re-encoded, so EXIF (GPS position, camera serial numbers), XMP and comments stay
behind. Renditions are square crops at the sizes the pages show (and twice that, for sharp
screens).
"""

import warnings
from io import BytesIO
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 megapixels: any real portrait; larger only wastes memory
MIN_EDGE = 240
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
BYLINE_SIZE = 48
BIO_SIZE = 120
RENDITION_SIZES = (BYLINE_SIZE, BYLINE_SIZE * 2, BIO_SIZE, BIO_SIZE * 2)


def _open_checked(
    upload, *, min_edge: int, formats=ACCEPTED_FORMATS, max_pixels=MAX_PIXELS
) -> Image.Image:
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("This photo is %(size)s; the largest accepted is %(limit)s."),
            code="too_many_bytes",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
        )
    upload.seek(0)
    try:
        # Pillow warns, then refuses, when a header claims more pixels than is safe to decode.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in formats:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP photo (this file is %(format)s)."),
                    code="wrong_type",
                    params={"format": image.format or _("of an unknown type")},
                )
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("This photo is %(width)d × %(height)d pixels; the most accepted is "
                      "%(limit)d megapixels. Scale it down and upload it again."),
                    code="too_many_pixels",
                    params={"width": width, "height": height, "limit": max_pixels // 1_000_000},
                )  # fmt: skip
            if min(width, height) < min_edge:
                raise ValidationError(
                    _("This photo is %(width)d × %(height)d pixels; it needs at least "
                      "%(min)d pixels on each side to look sharp."),
                    code="too_small",
                    params={"width": width, "height": height, "min": min_edge},
                )  # fmt: skip
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("This file claims to be an enormous image and cannot be opened safely."),
            code="decompression_bomb",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("This file is not an image that can be read. Upload a JPEG, PNG or WebP photo."),
            code="not_an_image",
        ) from error
    return image


def clean_photo(
    upload, *, min_edge: int = MIN_EDGE, formats=ACCEPTED_FORMATS, max_pixels=MAX_PIXELS
) -> ContentFile:
    """Check an uploaded photo; return it re-encoded without metadata (or raise ValidationError).
    Of an animation, the first frame."""
    # Turned upright first: the orientation lives in the EXIF that is about to go.
    opened = _open_checked(upload, min_edge=min_edge, formats=formats, max_pixels=max_pixels)
    image = ImageOps.exif_transpose(opened)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}
    buffer = BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.save(buffer, format="JPEG", quality=88, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid4().hex}.{extension}")


def _flattened(photo_file) -> Image.Image:
    """A stored picture as RGB, transparent parts on white (renditions are JPEG)."""
    photo_file.seek(0)
    with Image.open(photo_file) as source:
        image = source.convert("RGBA")
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def square_renditions(photo_file, sizes=RENDITION_SIZES) -> dict[int, ContentFile]:
    """Square JPEG crops of a stored photo, keyed by edge length in pixels."""
    flat = _flattened(photo_file)
    renditions = {}
    for size in sizes:
        # Portraits keep the head: crop a little above the middle.
        square = ImageOps.fit(flat, (size, size), Image.Resampling.LANCZOS, centering=(0.5, 0.4))
        buffer = BytesIO()
        square.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        renditions[size] = ContentFile(buffer.getvalue(), name=f"{size}.jpg")
    return renditions


def width_renditions(photo_file, widths) -> dict[int, ContentFile]:
    """JPEG copies of a stored picture scaled to each width it exceeds (and its own, capped at
    the largest), keyed by width: the candidates of an <img srcset>."""
    flat = _flattened(photo_file)
    chosen = sorted({w for w in widths if w < flat.width} | {min(flat.width, max(widths))})
    renditions = {}
    for width in chosen:
        height = round(flat.height * width / flat.width)
        scaled = flat.resize((width, height), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        scaled.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        renditions[width] = ContentFile(buffer.getvalue(), name=f"{width}.jpg")
    return renditions


class PhotoInput(forms.ClearableFileInput):
    """A file input that shows the stored picture as the site uses it: `renditions` is a list of
    {"label", "src", "width", "height"} set by the form for its instance."""

    template_name = "admin/widgets/photo_input.html"
    renditions: list[dict] = []

    class Media:
        css = {"all": ["css/admin_writing.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["renditions"] = self.renditions
        return context


class PhotoField(forms.ImageField):
    """A form field that accepts only photos that pass clean_photo(), with clear messages."""

    def __init__(self, *, min_edge: int = MIN_EDGE, **kwargs):
        self.min_edge = min_edge
        kwargs.setdefault("widget", PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # skip ImageField's vaguer check
        if upload is None:
            return None
        return clean_photo(upload, min_edge=self.min_edge)


def discard_after_commit(*names: str) -> None:
    """Delete stored files (photos, renditions) once the change that dropped them commits."""
    names = [name for name in names if name]

    def discard():
        for name in names:
            default_storage.delete(name)

    # Robust: a storage outage leaves an orphaned file behind (logged), never a failed request.
    if names:
        transaction.on_commit(discard, robust=True)
