"""Security headers Django does not set itself, and /.well-known/security.txt (RFC 9116)."""

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# Browser features no page of the site uses: no script on it, or on anything injected into it,
# may ask for them.
UNUSED_FEATURES = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in UNUSED_FEATURES)
# RFC 9116 asks for an Expires less than a year ahead; a moving date keeps the file current.
SECURITY_TXT_LIFETIME = datetime.timedelta(days=180)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def security_txt(request):
    """Who to tell about a vulnerability; absent until SECURITY_CONTACT says who."""
    contact = settings.SECURITY_CONTACT
    if not contact:
        raise Http404("SECURITY_CONTACT is not set.")
    if "@" in contact and not contact.startswith(("mailto:", "https://")):
        contact = f"mailto:{contact}"
    # Whole days, so that the file stays the same all day (and caches well).
    expires = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    expires += SECURITY_TXT_LIFETIME
    languages = ", ".join(code for code, _name in settings.LANGUAGES)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Preferred-Languages: {languages}",
        # RFC 9116 wants the https address, even when a proxy hands the request on over http.
        f"Canonical: https://{request.get_host()}{reverse('security_txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
