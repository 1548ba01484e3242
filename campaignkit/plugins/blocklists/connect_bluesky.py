"""Connecting a Bluesky account: a handle and an app password, never the account's password.

Bluesky has no OAuth for this yet, so the supporter makes an *app password* in Bluesky's
settings (it can be revoked there at any time) and types it here with their handle. The
adapter signs in once against ``bluesky_service`` (checked by `outbound`, as is the
account's own PDS that the sign-in names, before anything is sent there) and only the
session string the atproto SDK exports is kept, sealed; the app password is used for
that one sign-in and then forgotten.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from campaignkit.core import OutboundRefused, checked_base_url, plugin_settings
from campaignkit.plugins.blocklists.connect_x import ConnectError
from campaignkit.plugins.blocklists.platforms.base import (
    AuthExpired,
    PlatformError,
    RateLimited,
    RemoteAccount,
)
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform

#: Bluesky's settings page where app passwords are made and revoked.
APP_PASSWORDS_URL = "https://bsky.app/settings/app-passwords"
#: A handle (name.bsky.social, or a domain), a DID, or the account's email address.
_IDENTIFIER = re.compile(r"[A-Za-z0-9._:%@+-]{3,253}")
#: Bluesky's app passwords look like xxxx-xxxx-xxxx-xxxx.
_APP_PASSWORD = re.compile(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}")


def service_url() -> str:
    """The Bluesky service supporters sign in to, once it is safe to contact."""
    settings = plugin_settings("blocklists")
    return checked_base_url(settings.bluesky_service, tuple(settings.insecure_servers))


def pds_checked(session_string: str) -> str:
    """The account's own server (PDS), named by its DID document, once it is safe to contact.

    After signing in, the SDK sends every call to the PDS the account's DID document names,
    which the account's owner controls; it passes the same outbound guard or nothing more
    is sent.
    """
    from atproto_client import Session  # the SDK is slow to import: only when needed

    parts = urlsplit(Session.decode(session_string).pds_endpoint or "")
    insecure = tuple(plugin_settings("blocklists").insecure_servers)
    return checked_base_url(f"{parts.scheme}://{parts.netloc}", insecure)


def connect(handle: str, app_password: str) -> tuple[RemoteAccount, dict, str]:
    """Sign in; the account, the credentials to store (the session only) and the service."""
    handle = (handle or "").strip().removeprefix("@")
    app_password = (app_password or "").strip().lower()
    if not _IDENTIFIER.fullmatch(handle):
        raise ConnectError("Please type your Bluesky handle, such as alex.bsky.social.")
    if not _APP_PASSWORD.fullmatch(app_password):
        raise ConnectError("That is not an app password: make one in Bluesky's settings "
                           "(App passwords); it looks like abcd-efgh-ijkl-mnop.")  # fmt: skip
    try:
        service = service_url()
        platform = BlueskyPlatform.connect(handle, app_password, service=service)
        pds_checked(platform.session_string)
        account = platform.me()
    except OutboundRefused as error:
        raise ConnectError(f"The Bluesky service is not reachable safely: {error}") from error
    except AuthExpired as error:
        raise ConnectError("Bluesky did not accept this handle and app password; check "
                           "both and try again.") from error  # fmt: skip
    except RateLimited as error:
        raise ConnectError("Bluesky asks us to slow down; please try again in a few "
                           "minutes.") from error  # fmt: skip
    except PlatformError as error:
        raise ConnectError(f"Bluesky did not answer as expected: {error}") from error
    return account, {"session": platform.session_string}, service
