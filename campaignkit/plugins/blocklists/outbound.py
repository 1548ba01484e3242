"""The guard in front of every server a supporter names: public https addresses only.

A supporter types their Mastodon server, and the instance's settings name the Bluesky
service; campaignkit then sends requests there from inside the hosting network. Before any
request `checked_base_url` makes sure the name is a plain domain (no path, no user, no
query), the scheme is https, and *every* address the name resolves to is public: not
private, loopback, link-local, multicast, reserved or otherwise not global (IPv4 and IPv6,
IPv4-mapped addresses included). So a name cannot point campaignkit at its own database,
the cloud's metadata service or the office printer.

Hosts listed in ``[plugins.blocklists] insecure_servers`` (as "host:port") are let through
over plain http and on any address: that is for development and the tests' local fakes.

A server that passed can still answer with a redirect, or name other addresses (Mastodon's
OAuth discovery names its token endpoint). `guarded_session` is a requests session that
checks every request it sends, redirects and discovered addresses included, the same way.
What remains is a name whose answer changes between the check and the connection (DNS
rebinding), a window of milliseconds.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

#: A domain name as a person types it: labels of letters, digits and hyphens, with a dot.
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


class OutboundRefused(ValueError):
    """The server may not be contacted; the message says why, in words a supporter reads."""


def clean_server(typed: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """The server a supporter typed ("https://Mastodon.Social/" → "mastodon.social").

    Only a domain is accepted (a port only for a listed insecure server); a path, a user
    name, a query or anything else is refused with `OutboundRefused`.
    """
    text = (typed or "").strip().lower()
    if text.startswith("https://"):
        text = text[len("https://") :]
    elif text.startswith("http://"):
        text = text[len("http://") :]
    text = text.rstrip("/")
    if text in insecure_servers:
        return text
    try:
        ascii_name = text.encode("idna").decode("ascii") if text else ""
    except UnicodeError:
        ascii_name = ""
    if not _DOMAIN.fullmatch(ascii_name) or ascii_name.replace(".", "").isdigit():
        raise OutboundRefused(
            "Please type just your server's name, such as mastodon.social (no @, no path)."
        )
    return ascii_name


def base_url(server: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """The address of a cleaned server: https, or http for a listed insecure server."""
    return f"{'http' if server in insecure_servers else 'https'}://{server}"


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, and so on)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_private
    )


def checked_base_url(url: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """`url` without a trailing slash, once it is safe to contact; else `OutboundRefused`.

    Safe means https, no user, path, query or fragment, and every address the host
    resolves to public; a host:port in `insecure_servers` is let through as it is.
    """
    parts = urlsplit((url or "").strip())
    netloc = (parts.netloc or "").lower()
    if netloc in insecure_servers and parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{netloc}"
    if parts.scheme != "https":
        raise OutboundRefused(f"{netloc or url!r} must be reached over https.")
    if parts.username or parts.password or parts.path.strip("/") or parts.query or parts.fragment:
        raise OutboundRefused(f"{netloc} must be a server's address, with no path.")
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
    return f"https://{netloc}"


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


class _GuardedAdapter(HTTPAdapter):
    """Checks each request's server with `checked_base_url` just before sending it."""

    def __init__(self, insecure_servers: tuple[str, ...]) -> None:
        super().__init__()
        self.insecure_servers = insecure_servers

    def send(self, request, **kwargs):  # noqa: ANN001, ANN003, ANN201
        """Refuse (OutboundRefused) a request to a server the guard does not let through."""
        parts = urlsplit(request.url)
        checked_base_url(f"{parts.scheme}://{parts.netloc}", self.insecure_servers)
        return super().send(request, **kwargs)


def guarded_session(insecure_servers: tuple[str, ...] = ()) -> requests.Session:
    """A requests session that sends only to servers `checked_base_url` lets through."""
    session = requests.Session()
    adapter = _GuardedAdapter(tuple(insecure_servers))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
