"""The admin's username/password login, rate limited.

A small cache-based limiter rather than allauth's: allauth's rate limits guard its own views, and
its public `ratelimit` module is marked for deprecation. Failures are counted in the cache (Redis
in production, shared by every web process), within ADMIN_LOGIN_WINDOW_SECONDS:
- after ADMIN_LOGIN_ATTEMPTS failures from one client address, that address is refused (429);
- a username is never locked outright, or anyone could lock the owner out: once it has had
  ADMIN_LOGIN_USERNAME_ATTEMPTS failures (from anywhere), each address gets one failed try at it.
A successful login clears that username's count.
The counters live in the "limits" cache, whose errors are raised: when Redis cannot be reached
the login fails closed (503, nothing checked), while the rest of the site reads on.
"""

import hashlib
import ipaddress
import logging
import unicodedata
from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.shortcuts import render
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The address the request came from: with TRUSTED_PROXY_HOPS proxies in front, the
    right-most X-Forwarded-For entry that none of them added (entries further left are
    whatever the client chose to send)."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote_addr  # did not come through every proxy
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote_addr


def _username_key(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _counter_keys(address: str, username: str) -> dict[str, str]:
    username_digest = hashlib.sha256(_username_key(username).encode()).hexdigest()[:32]
    return {
        "address": f"admin-login-failures:ip:{address}",
        "username": f"admin-login-failures:user:{username_digest}",
        "pair": f"admin-login-failures:pair:{address}:{username_digest}",
    }


def _is_locked(keys: dict[str, str]) -> bool:
    counts = caches["limits"].get_many(keys.values())
    if counts.get(keys["address"], 0) >= settings.ADMIN_LOGIN_ATTEMPTS:
        return True
    under_attack = counts.get(keys["username"], 0) >= settings.ADMIN_LOGIN_USERNAME_ATTEMPTS
    return under_attack and counts.get(keys["pair"], 0) >= 1


def _count_failure(keys: dict[str, str]) -> None:
    cache = caches["limits"]
    for key in keys.values():
        # add() starts the window once; incr() is atomic on Redis and in memory.
        cache.add(key, 0, timeout=settings.ADMIN_LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=settings.ADMIN_LOGIN_WINDOW_SECONDS)


def admin_login(request, extra_context=None):
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    try:
        return _limited_login(request, extra_context)
    except RedisError:
        logger.error("admin login refused: the rate limit store cannot be reached")
        response = render(
            request,
            "accounts/admin_login_unavailable.html",
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "60"
        return response


def _limited_login(request, extra_context):
    address = client_address(request)
    username = request.POST.get("username", "")
    keys = _counter_keys(address, username)
    if _is_locked(keys):
        logger.warning("admin login refused after failures (%s)", address)
        return render(
            request,
            "accounts/admin_login_locked.html",
            {"minutes": settings.ADMIN_LOGIN_WINDOW_SECONDS // 60},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    signed_in_before = request.user
    response = admin.site.login(request, extra_context)
    # Success means these credentials logged someone in during this request: login() replaces
    # request.user. A staff member already signed in who posts someone else's name is not it.
    logged_in_now = (
        request.user is not signed_in_before
        and request.user.is_authenticated
        and _username_key(request.user.get_username()) == _username_key(username)
    )
    if logged_in_now:
        caches["limits"].delete(keys["username"])
    else:
        _count_failure(keys)
        logger.info("admin login failed (%s)", address)
    return response
