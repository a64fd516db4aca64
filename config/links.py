"""Absolute addresses for links read away from the request that made them (feeds, sitemap, mail,
link previews): always the configured SITE_URL, never the Host header a request happened to use."""

from urllib.parse import urljoin

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """SITE_URL + a site path; an address that is already absolute (media in a bucket) as is."""
    return urljoin(settings.SITE_URL + "/", path_or_url)
