"""Demo authors for `manage.py demo`: invented people of an invented association, with
portraits drawn here (initials on a coloured square) rather than downloaded. Idempotent."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from accounts.authors import author_photo_render
from accounts.models import Author
from accounts.photos import clean_photo

AUTHORS = [
    {
        "slug": "amara-okafor",
        "name": "Amara Okafor",
        "credentials": "CCE",
        "job_title": "Vice president of clinical technology",
        "organisation": "Riverside Health Partners",
        "website": "https://example.org/amara-okafor",
        "social_links": "https://mastodon.example/@amara_okafor",
        "colour": (31, 58, 95),
        "bio": (
            "Amara Okafor, CCE, is vice president of clinical technology at Riverside Health "
            "Partners, where she leads a team of forty engineers and technicians across five "
            "hospitals. She is a member of the Board of Directors of the Northbridge Association "
            "for Clinical Technology and chairs its *alarm management* working group."
        ),
    },
    {
        "slug": "tomasz-lindqvist",
        "name": "Tomasz Lindqvist",
        "credentials": "PE",
        "job_title": "Senior biomedical engineer",
        "organisation": "Harbourview Children’s Hospital",
        "website": "",
        "social_links": "https://www.linkedin.com/in/example-tomasz",
        "colour": (30, 107, 58),
        "bio": (
            "Tomasz Lindqvist, PE, is a senior biomedical engineer at Harbourview Children’s "
            "Hospital. Before healthcare he designed control systems for water utilities, which "
            "he says taught him to respect anything that runs all night unattended."
        ),
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "credentials": "CHTM",
        "job_title": "Director of healthcare technology management",
        "organisation": "Westmere University Medical Center",
        "website": "https://example.org/priya-raman",
        "social_links": "",
        "colour": (138, 61, 20),
        "bio": (
            "Priya Raman, CHTM, directs healthcare technology management at Westmere University "
            "Medical Center and teaches the association’s course on medical device "
            "cybersecurity. She writes about procurement, risk and the people who keep "
            "equipment safe."
        ),
    },
    {
        "slug": "daniel-ferreira",
        "name": "Daniel Ferreira",
        "credentials": "CBET",
        "job_title": "Imaging service lead",
        "organisation": "Coastal Regional Hospital",
        "website": "",
        "social_links": "",
        "colour": (92, 45, 128),
        "bio": (
            "Daniel Ferreira, CBET, leads the imaging service team at Coastal Regional Hospital "
            "and mentors apprentices in the association’s technician pathway."
        ),
    },
]


def portrait(name: str, colour: tuple[int, int, int], size: int = 480) -> bytes:
    """A square portrait placeholder: the initials, light on a diagonal band of `colour`."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    lighter = tuple(min(255, c + 40) for c in colour)
    draw.polygon([(0, size), (size, size * 0.35), (size, size)], fill=lighter)
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size * 0.4)
    draw.text((size / 2, size / 2), initials, font=font, fill=(253, 252, 249), anchor="mm")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed() -> list[Author]:
    """Create the demo authors that do not exist yet (with their portraits); leave others be."""
    authors = []
    for spec in AUTHORS:
        fields = {k: v for k, v in spec.items() if k not in {"slug", "colour"}}
        author, created = Author.objects.get_or_create(slug=spec["slug"], defaults=fields)
        if created or not author.photo:
            drawn = portrait(spec["name"], spec["colour"])
            photo = clean_photo(SimpleUploadedFile(f"{spec['slug']}.png", drawn))
            author.photo.save(photo.name, photo, save=False)
            author.save(update_fields=["photo"])
            author_photo_render(author=author)
        authors.append(author)
    return authors
