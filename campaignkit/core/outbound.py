"""The guard in front of every server a supporter (or a link) names: public https addresses only.

Campaignkit sends requests from inside the hosting network to servers that a supporter
typed or a link named. Before any request the guard makes sure the scheme is https and
*every* address the host resolves to is public: not private, loopback, link-local,
multicast, reserved or otherwise not global (IPv4 and IPv6, IPv4-mapped addresses
included). So a name cannot point campaignkit at its own database, the cloud's metadata
service or the office printer.

Hosts given as ``insecure_servers`` ("host:port", from a plugin's tests-only setting) are
let through over plain http and on any address: that is for development and the tests'
local fakes.

A server that passed can still answer with a redirect. `guarded_session` is a requests
session that checks every request it sends, redirects included, the same way, and
`guarded_get` adds limits on the whole exchange's time and the answer's size. What remains
is a name whose answer changes between the check and the connection (DNS rebinding), a
window of milliseconds.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

#: How long `guarded_get` waits for a whole answer, and the most it reads, by default.
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 1024 * 1024
#: The most redirects a guarded session follows (each one checked again).
MAX_REDIRECTS = 5


class OutboundRefused(ValueError):
    """The server may not be contacted; the message says why, in words a supporter reads."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, and so on)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_private
    )


def resolved_addresses(host: str, port: int = 443) -> list[str]:
    """Every address `host` resolves to; `OutboundRefused` when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"{host} could not be found; is the name right?") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OutboundRefused(f"{host} could not be found; is the name right?")
    return addresses


def checked_url(url: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """`url` as given, once it is safe to contact (path and query allowed); else `OutboundRefused`.

    Safe means https, no user name or password, and every address the host resolves to
    public; a URL whose host:port is in `insecure_servers` is let through over http too.
    An address written as a literal IP is checked without any lookup or connection.
    """
    text = (url or "").strip()
    parts = urlsplit(text)
    netloc = (parts.netloc or "").lower()
    if netloc in insecure_servers and parts.scheme in ("http", "https"):
        return text
    if parts.scheme != "https":
        raise OutboundRefused(f"{netloc or url!r} must be reached over https.")
    if parts.username or parts.password:
        raise OutboundRefused(f"{netloc} must be an address with no user name or password.")
    try:
        host, port = parts.hostname or "", parts.port or 443
    except ValueError:
        raise OutboundRefused(f"{netloc} has a port that is not a number.") from None
    if not host:
        raise OutboundRefused("The server's address has no name.")
    for address in resolved_addresses(host, port):
        if not is_public_address(address):
            raise OutboundRefused(
                f"{host} points to a private or reserved address, which campaignkit does not "
                "contact."
            )
    return text


def checked_base_url(url: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """`url` without a trailing slash, once it is safe to contact; else `OutboundRefused`.

    As `checked_url`, and the URL must name a server only: no path, query or fragment.
    """
    parts = urlsplit((url or "").strip())
    netloc = (parts.netloc or "").lower()
    if netloc in insecure_servers and parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{netloc}"
    if parts.scheme == "https" and (parts.path.strip("/") or parts.query or parts.fragment):
        raise OutboundRefused(f"{netloc} must be a server's address, with no path.")
    checked_url(f"{parts.scheme}://{parts.netloc}", insecure_servers)
    return f"https://{netloc}"


class _GuardedAdapter(HTTPAdapter):
    """Checks each request's server with `checked_url` just before sending it."""

    def __init__(self, insecure_servers: tuple[str, ...]) -> None:
        super().__init__()
        self.insecure_servers = insecure_servers

    def send(self, request, **kwargs):  # noqa: ANN001, ANN003, ANN201
        """Refuse (OutboundRefused) a request to a server the guard does not let through."""
        parts = urlsplit(request.url)
        checked_url(f"{parts.scheme}://{parts.netloc}", self.insecure_servers)
        return super().send(request, **kwargs)


def guarded_session(insecure_servers: tuple[str, ...] = ()) -> requests.Session:
    """A requests session that sends only to servers `checked_url` lets through, redirects too."""
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.trust_env = False  # no proxy from the environment between the check and the server
    adapter = _GuardedAdapter(tuple(insecure_servers))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def guarded_get(
    url: str,
    *,
    insecure_servers: tuple[str, ...] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """GET `url` through `guarded_session`, within `timeout_s` for the whole answer and `max_bytes`.

    Returns the response with its body read (``response.content``). Raises
    `OutboundRefused` with a reason in words when the address (or a redirect's) is not
    allowed, the server does not answer in time, the answer is larger than `max_bytes`
    or the connection fails; HTTP error statuses are returned, not raised.
    """
    checked_url(url, insecure_servers)
    deadline = time.monotonic() + timeout_s
    host = urlsplit(url).hostname or url
    try:
        with guarded_session(insecure_servers) as session:
            response = session.get(url, headers=headers, timeout=timeout_s, stream=True)
            body = bytearray()
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > max_bytes:
                    response.close()
                    raise OutboundRefused(f"{host} sent more than {max_bytes} bytes.")
                if time.monotonic() > deadline:
                    response.close()
                    raise OutboundRefused(f"{host} did not answer in {timeout_s:g} seconds.")
            response._content = bytes(body)  # noqa: SLF001 - the body, read within the limits
            return response
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        raise OutboundRefused(f"{host} did not answer in {timeout_s:g} seconds.") from None
    except requests.TooManyRedirects:
        raise OutboundRefused(f"{host} redirected too many times.") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
        raise OutboundRefused(f"{host} could not be reached ({type(error).__name__}).") from None
