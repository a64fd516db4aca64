from django.conf import settings


def site(request):
    """The site's name, tagline and public address, for the layout."""
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_url": settings.SITE_URL,
    }
