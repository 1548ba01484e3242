"""The platform adapter for one connected account, built from its sealed credentials.

`platform_for` is the one place that turns a `Connection` row into an X, Mastodon or
Bluesky adapter with the instance's settings (the apply job and the auto rules use it);
a Mastodon server is reached only through the outbound guard (``outbound``). Bluesky
refreshes its session by itself; the new session is sealed and stored at once
(``on_session``), so no refresh is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from campaignkit.core import plugin_settings
from campaignkit.plugins.blocklists.credentials import unseal
from campaignkit.plugins.blocklists.platforms.base import Platform
from campaignkit.plugins.blocklists.subscribers import Connection


def server_url(server: str, insecure_servers: tuple[str, ...]) -> str:
    """The base URL of a Mastodon server or Bluesky service: https, or http if listed insecure."""
    if "://" in server:
        return server.rstrip("/")
    scheme = "http" if server in insecure_servers else "https"
    return f"{scheme}://{server}"


def platform_for(
    connection: Connection, on_session: Callable[[str], None] | None = None
) -> Platform:
    """The adapter for this connection (raises AuthExpired if its Bluesky session is unreadable).

    ``on_session`` gets every new Bluesky session string, to seal and store.
    """
    settings = plugin_settings("blocklists")
    values = unseal(connection.platform, connection.credentials)
    if connection.platform == "x":
        from campaignkit.plugins.blocklists.platforms.x import XPlatform

        return XPlatform(
            values["access_token"], base_url=settings.x_api_url, allow_block=settings.x_allow_block
        )
    if connection.platform == "mastodon":
        from campaignkit.core import guarded_session
        from campaignkit.plugins.blocklists.platforms.mastodon import MastodonPlatform

        url = server_url(connection.server, settings.insecure_servers)
        # every request (redirects included) goes only to public https servers
        return MastodonPlatform(
            url, values["access_token"], session=guarded_session(settings.insecure_servers)
        )
    if connection.platform == "bluesky":
        from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform

        service = connection.server or settings.bluesky_service
        return BlueskyPlatform.resume(
            values["session"], service=server_url(service, settings.insecure_servers),
            on_session=on_session,
        )  # fmt: skip
    raise ValueError(f"{connection.platform!r} is not a platform blocklists knows.")
