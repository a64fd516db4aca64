"""The association's standing pages for `manage.py demo` (called from blog.demo.seed): short
original text an editor replaces in the admin. Idempotent: an existing page is left as it is."""

from blog.models import SitePage

PAGES = [
    (
        SitePage.Slug.ABOUT,
        "About",
        "We are a small association of practitioners who write for each other.\n\n"
        "Members publish essays here and talk them over underneath. Editors keep the pages "
        "in order; moderators keep the conversation kind.",
    ),
    (
        SitePage.Slug.CONTACT,
        "Contact",
        "Write to the editors at [editors@example.org](mailto:editors@example.org).\n\n"
        "We answer within a week. To report a comment, use its **Report** link instead.",
    ),
    (
        SitePage.Slug.PRIVACY,
        "Privacy",
        "We keep what you give us to take part: your name, your e-mail address and what you "
        "write.\n\n- No advertising and no third-party trackers.\n"
        "- You can delete your comments, or ask us to erase your account.",
    ),
]


def seed() -> list[SitePage]:
    pages = []
    for slug, title, body in PAGES:
        page = SitePage.objects.filter(slug=slug).first()
        pages.append(page or SitePage.objects.create(slug=slug, title=title, body=body))
    return pages
