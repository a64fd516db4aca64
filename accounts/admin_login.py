"""The admin's username/password login, rate limited.

A small cache-based limiter rather than allauth's: allauth's rate limits guard its own views, and
its public `ratelimit` module is marked for deprecation. Counting failures in the cache (Redis in
production, shared by every web process) is enough: after ADMIN_LOGIN_ATTEMPTS failures from one
client address, or for one username, within ADMIN_LOGIN_WINDOW_SECONDS, further attempts are
refused with 429 until the window passes. A successful login clears that username's count.
"""

import hashlib
import logging
from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.shortcuts import render

logger = logging.getLogger(__name__)


def _counter_keys(request) -> list[str]:
    username = request.POST.get("username", "").strip().lower()
    username_digest = hashlib.sha256(username.encode()).hexdigest()[:32]
    return [
        f"admin-login-failures:ip:{request.META.get('REMOTE_ADDR', '')}",
        f"admin-login-failures:user:{username_digest}",
    ]


def _is_locked(keys: list[str]) -> bool:
    return any(count >= settings.ADMIN_LOGIN_ATTEMPTS for count in cache.get_many(keys).values())


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        # add() starts the window once; incr() is atomic on Redis and in memory.
        cache.add(key, 0, timeout=settings.ADMIN_LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.ADMIN_LOGIN_WINDOW_SECONDS)


def admin_login(request, extra_context=None):
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    keys = _counter_keys(request)
    if _is_locked(keys):
        logger.warning("admin login refused after failures (%s)", request.META.get("REMOTE_ADDR"))
        return render(
            request,
            "accounts/admin_login_locked.html",
            {"minutes": settings.ADMIN_LOGIN_WINDOW_SECONDS // 60},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated and request.user.is_staff:
        cache.delete(keys[1])
    else:
        _count_failure(keys)
        logger.info("admin login failed (%s)", request.META.get("REMOTE_ADDR"))
    return response
