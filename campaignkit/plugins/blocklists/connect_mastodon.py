"""Connecting a Mastodon account: the supporter names their server, then approves there.

`start` cleans the server's name (a domain, nothing else), checks it is safe to contact
(`outbound`: public https addresses only, for every request, redirects included),
registers campaignkit's app on that server the
first time anyone connects from it (`MastodonApp`, the secret sealed with the vault) and
sends the supporter to the server's consent page with a state kept in their session.
`finish` checks the state, trades the code for a token (the adapter's `exchange_code`),
reads the account (``verify_credentials``) and returns what to store.
"""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError

from campaignkit.core import (
    OutboundRefused,
    checked_base_url,
    db_session,
    guarded_session,
    plugin_settings,
    public_url,
    public_url_for,
    write_session,
)
from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.connect_x import ConnectError
from campaignkit.plugins.blocklists.models import now
from campaignkit.plugins.blocklists.outbound import base_url, clean_server
from campaignkit.plugins.blocklists.platforms.base import PlatformError, RemoteAccount
from campaignkit.plugins.blocklists.platforms.mastodon import (
    MastodonPlatform,
    authorization_url,
    exchange_code,
    register_app,
)
from campaignkit.plugins.blocklists.subscribers import MastodonApp

SESSION_KEY = "blocklists.mastodon_oauth"


def _insecure() -> tuple[str, ...]:
    return tuple(plugin_settings("blocklists").insecure_servers)


def _redirect_uri() -> str:
    return public_url_for("blocklists_account.mastodon_callback")


def server_app(server: str, api_url: str) -> tuple[str, str]:
    """(client_id, client_secret) of our app on `server`, registering it the first time."""
    redirect = _redirect_uri()
    found = db_session().get(MastodonApp, server)
    if found is not None and found.redirect_uri == redirect:
        return found.client_id, vault.decrypt(found.client_secret)
    client_id, client_secret = register_app(
        api_url, redirect, website=public_url(), session=guarded_session(_insecure())
    )
    try:
        with write_session() as session:
            stored = session.get(MastodonApp, server) or MastodonApp(domain=server)
            stored.client_id, stored.client_secret = client_id, vault.encrypt(client_secret)
            stored.redirect_uri, stored.created_at = redirect, now()
            session.add(stored)
    except IntegrityError:  # someone else registered it a moment ago: use theirs
        db_session().expire_all()
        found = db_session().get(MastodonApp, server)
        return found.client_id, vault.decrypt(found.client_secret)
    return client_id, client_secret


def start(session: dict, typed_server: str) -> str:
    """The server's consent page; keeps the state and server in `session`."""
    insecure = _insecure()
    try:
        server = clean_server(typed_server, insecure)
        api_url = checked_base_url(base_url(server, insecure), insecure)
        client_id, client_secret = server_app(server, api_url)
        state = secrets.token_urlsafe(24)
        url = authorization_url(api_url, client_id, client_secret, _redirect_uri(), state,
                                allow_http=server in insecure,
                                session=guarded_session(insecure))  # fmt: skip
    except OutboundRefused as error:
        raise ConnectError(str(error)) from error
    except PlatformError as error:
        raise ConnectError(f"{server} could not be asked: {error}. Is it a Mastodon "
                           "server?") from error  # fmt: skip
    session[SESSION_KEY] = {"state": state, "server": server}
    return url


def finish(session: dict, args) -> tuple[RemoteAccount, dict, str]:  # noqa: ANN001
    """The connected account, its credentials and its server, from the callback's query."""
    pending = session.pop(SESSION_KEY, None)
    if pending is None or not args.get("state") or args.get("state") != pending["state"]:
        raise ConnectError("This sign-in with Mastodon did not start here, or it is too "
                           "old; please connect again.")  # fmt: skip
    if args.get("error") or not args.get("code"):
        raise ConnectError("Your Mastodon server did not give permission, so nothing was "
                           "connected.")  # fmt: skip
    insecure, server = _insecure(), pending["server"]
    try:
        api_url = checked_base_url(base_url(server, insecure), insecure)
        client_id, client_secret = server_app(server, api_url)
        token = exchange_code(api_url, client_id, client_secret, _redirect_uri(), args["code"],
                              allow_http=server in insecure,
                              session=guarded_session(insecure))  # fmt: skip
        account = MastodonPlatform(api_url, token, session=guarded_session(insecure)).me()
    except OutboundRefused as error:
        raise ConnectError(str(error)) from error
    except PlatformError as error:
        raise ConnectError(f"{server}: {error}") from error
    return account, {"access_token": token}, server
