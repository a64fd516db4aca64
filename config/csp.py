"""The Content-Security-Policy, derived from what the settings configure.

Imported by config/settings.py, so it must not touch Django's app registry: plain functions over
the values settings already computed (the sign-in providers, MEDIA_ORIGIN).
"""

from urllib.parse import urlsplit

from django.utils.csp import CSP

# Where each provider's sign-in page lives (its authorize URL, as allauth builds it, and the hosts
# that page redirects to on its own), and where members' pictures from it are served. The browser
# checks form-action on every redirect after the sign-in POST, so a host missing here is a sign-in
# button that does nothing. tests/config/test_csp.py compares the sign-in hosts with allauth's.
# The picture hosts are not in the policy (pages show the copy stored in media): they are the
# allow-list the site fetches members' pictures from (settings.AVATAR_SOURCE_ORIGINS).
SIGN_IN_ORIGINS = {
    "twitter_oauth2": ["https://x.com", "https://twitter.com"],
    "facebook": ["https://www.facebook.com", "https://m.facebook.com"],
    "google": ["https://accounts.google.com"],
    "github": ["https://github.com"],
}
PICTURE_ORIGINS = {
    "twitter_oauth2": ["https://pbs.twimg.com"],
    "facebook": ["https://platform-lookaside.fbsbx.com", "https://*.fbcdn.net"],
    "google": ["https://*.googleusercontent.com"],
    "github": ["https://avatars.githubusercontent.com"],
    "linkedin": ["https://media.licdn.com"],
}


def origin(url: str) -> str:
    """scheme://host[:port] of an absolute URL; "" for a relative one."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins(providers: dict) -> tuple[list[str], list[str]]:
    """(sign-in origins, picture origins) of the configured SOCIALACCOUNT_PROVIDERS."""
    sign_in, pictures = [], []
    for key, config in providers.items():
        if key != "openid_connect":
            sign_in += SIGN_IN_ORIGINS.get(key, [])
            pictures += PICTURE_ORIGINS.get(key, [])
            continue
        # OpenID Connect apps (the association's own, LinkedIn) sign in at their issuer's host;
        # the association's provider may serve pictures there too.
        for app in config.get("APPS", []):
            issuer = origin(app.get("settings", {}).get("server_url", ""))
            sign_in.append(issuer)
            pictures += PICTURE_ORIGINS.get(app.get("provider_id"), [issuer])
    return _unique(sign_in), _unique(pictures)


def content_security_policy(
    *, providers: dict, media_origin: str = "", extra_image_origins: list[str] = ()
) -> dict:
    """SECURE_CSP: only this site's own files, plus what the configuration names.

    No inline script or style runs without the request's nonce (the admin uses nonces); images
    come from the site, the media host (MEDIA_ORIGIN: the bucket or its CDN, when media are in
    object storage), and DJANGO_CSP_IMG_ORIGINS. Never the sign-in providers: members' pictures
    are shown from the copies stored in media.
    """
    sign_in, _pictures = provider_origins(providers)
    images = [CSP.SELF, origin(media_origin), *extra_image_origins]
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, CSP.NONCE],
        "style-src": [CSP.SELF, CSP.NONCE],
        "img-src": _unique(images),
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
        "form-action": _unique([CSP.SELF, *sign_in]),
    }


def _unique(values) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))
