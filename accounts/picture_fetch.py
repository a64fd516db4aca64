"""Fetching a member's picture from their sign-in provider, expecting any server to be hostile.

The address comes from the provider's answer about the member, so it is checked like user input:
- only from settings.AVATAR_SOURCE_ORIGINS (the providers' picture hosts, config/csp.py), over
  https; plain http and loopback addresses only for a test that sets AVATAR_FETCH_LOOPBACK;
- only to public addresses: the host name is resolved once, every address it gives is checked,
  and the connection goes to the address that was checked (a second DNS answer cannot swap in an
  internal one); TLS still verifies the certificate for the host name;
- redirects are followed by hand, a few at most, each checked the same way;
- short connect and read timeouts and an overall deadline (a server dripping a byte at a time
  cannot hold a worker), and at most MAX_BYTES read, whatever Content-Length says.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class PictureFetchError(Exception):
    """The picture could not be fetched safely; the message says why, for the log."""


def is_allowed_origin(url: str) -> bool:
    """Whether an address is on the allow-list: same scheme and port, and the host named, or under
    a "*." entry (https://*.fbcdn.net allows https://scontent.xx.fbcdn.net)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return False
    for entry in settings.AVATAR_SOURCE_ORIGINS:
        allowed = urlsplit(entry)
        allowed_host = (allowed.hostname or "").lower()
        allowed_port = allowed.port or (443 if allowed.scheme == "https" else 80)
        if (allowed.scheme, allowed_port) != (parts.scheme, port):
            continue
        if allowed_host.startswith("*."):
            if host.endswith(allowed_host[1:]):
                return True
        elif host == allowed_host:
            return True
    return False


def _checked_target(url: str) -> tuple[str, int, str, bool]:
    """(host, port, path with query, is_https) of an address the fetch may ask, else an error."""
    try:
        parts = urlsplit(url)
        is_https = parts.scheme == "https"
        port = parts.port or (443 if is_https else 80)  # a port that is no number raises
    except ValueError as error:
        raise PictureFetchError(f"not an address: {error}") from error
    if not (is_https or (parts.scheme == "http" and settings.AVATAR_FETCH_LOOPBACK)):
        raise PictureFetchError(f"not an https address: {parts.scheme or 'no scheme'}")
    if parts.username or parts.password:
        raise PictureFetchError("address carries credentials")
    if not is_allowed_origin(url):
        raise PictureFetchError(f"{parts.netloc!r} is not a provider's picture host")
    path = parts.path or "/"
    return parts.hostname, port, f"{path}?{parts.query}" if parts.query else path, is_https


def _public_address(host: str, port: int) -> str:
    """An address of the host that is public (or loopback, for a test that allows it); a host
    with any internal address is refused whole rather than tried address by address."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise PictureFetchError(f"host {host!r} did not resolve: {error}") from error
    addresses = []
    for _family, _type, _proto, _name, sockaddr in answers:
        # An IPv6 link-local answer carries its interface ("fe80::1%eth0"): internal anyway.
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        loopback_ok = settings.AVATAR_FETCH_LOOPBACK and address.is_loopback
        if not (address.is_global or loopback_ok):
            raise PictureFetchError(f"host {host!r} resolves to an internal address")
        addresses.append(str(address))
    if not addresses:
        raise PictureFetchError(f"host {host!r} has no address")
    return addresses[0]


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address already checked, naming the host in TLS and Host."""

    def __init__(self, host, port, *, address: str, timeout: float, tls: bool):
        super().__init__(host, port, timeout=timeout)
        self.address, self.tls = address, tls

    def connect(self):
        sock = socket.create_connection((self.address, self.port), timeout=self.timeout)
        if self.tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def fetch_picture(url: str) -> bytes:
    """The bytes at a provider's picture address, or PictureFetchError (see the module's rules)."""
    timeout = settings.AVATAR_FETCH_TIMEOUT_SECONDS
    deadline = time.monotonic() + 3 * timeout
    for _hop in range(MAX_REDIRECTS + 1):
        host, port, path, tls = _checked_target(url)
        connection = _PinnedConnection(
            host, port, address=_public_address(host, port), timeout=timeout, tls=tls
        )
        try:
            connection.request(
                "GET", path, headers={"Accept": "image/*", "User-Agent": "Lectern avatars"}
            )
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES:
                url = urljoin(url, response.getheader("Location") or "")
                continue
            if response.status != http.client.OK:
                raise PictureFetchError(f"answered {response.status}")
            return _read_capped(response, deadline=deadline)
        except (OSError, http.client.HTTPException) as error:  # timeouts are OSErrors too
            raise PictureFetchError(f"{type(error).__name__}: {error}") from error
        finally:
            connection.close()
    raise PictureFetchError(f"more than {MAX_REDIRECTS} redirects")


def _read_capped(response, *, deadline: float) -> bytes:
    declared = response.getheader("Content-Length") or ""
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise PictureFetchError(f"declares {declared} bytes, over the {MAX_BYTES} limit")
    body = bytearray()
    # read1: at most one read from the socket each time, so the deadline is checked between
    # them (read(n) would keep waiting for all n bytes, one timeout per trickle).
    while chunk := response.read1(CHUNK_BYTES):
        body += chunk
        if len(body) > MAX_BYTES:
            raise PictureFetchError(f"over the {MAX_BYTES} byte limit")
        if time.monotonic() > deadline:
            raise PictureFetchError("took too long")
    return bytes(body)
