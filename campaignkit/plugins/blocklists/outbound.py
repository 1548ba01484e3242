"""What a supporter types as their server, made a plain domain; the guard itself is core's.

A supporter types their Mastodon server, and the instance's settings name the Bluesky
service; campaignkit then sends requests there through core's outbound guard
(``campaignkit.core.checked_base_url``, ``guarded_session``: public https addresses only,
redirects re-checked). `clean_server` makes sure what was typed is a plain domain (no path,
no user, no query) before the guard sees it.

Hosts listed in ``[plugins.blocklists] insecure_servers`` (as "host:port") are let through
over plain http and on any address: that is for development and the tests' local fakes.
"""

from __future__ import annotations

import re

from campaignkit.core import (
    OutboundRefused,
    checked_base_url,
    guarded_session,
    is_public_address,
    resolved_addresses,
)

__all__ = [
    "OutboundRefused",
    "base_url",
    "checked_base_url",
    "clean_server",
    "guarded_session",
    "is_public_address",
    "resolved_addresses",
]

#: A domain name as a person types it: labels of letters, digits and hyphens, with a dot.
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


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
