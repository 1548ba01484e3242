"""Connecting an X account: OAuth 2.0 Authorization Code with PKCE, through tweepy.

`start` makes the PKCE code verifier and a state with `tweepy.OAuth2UserHandler` (a
requests-oauthlib session), keeps both in the signed-in supporter's session and sends them
to X's consent page (``x_authorize_url``). X sends them back to the callback (always the
configured public URL, `public_url_for`) with a code and the state; `finish` checks the
state, trades the code and the verifier for tokens at ``{x_api_url}/2/oauth2/token``
(Basic auth with the client secret from CAMPAIGNKIT_X_CLIENT_SECRET for a confidential
client, the client id in the body for a public one), then reads the account with
``get_me``. Tokens are stored only sealed (`credentials.seal`).

tweepy's handler hard-codes twitter.com's addresses, so its requests-oauthlib methods are
called with the configured ones. `refresh_x_tokens` trades a connection's refresh token
for new tokens; the apply job calls it when the access token has expired.
"""

from __future__ import annotations

import os
import time

import tweepy
from oauthlib.oauth2 import OAuth2Error
from requests import RequestException
from requests_oauthlib import OAuth2Session

from campaignkit.core import plugin_settings, public_url_for
from campaignkit.plugins.blocklists.credentials import seal, unseal
from campaignkit.plugins.blocklists.platforms.base import AuthExpired, RemoteAccount, Unavailable
from campaignkit.plugins.blocklists.platforms.x import XPlatform

#: The scopes the lists need: read the account, its follows, mutes and blocks; write mutes;
#: and a refresh token (offline.access) so the apply job can run after two hours.
SCOPES = ["tweet.read", "users.read", "follows.read", "mute.read", "mute.write",
          "block.read", "offline.access"]  # fmt: skip
SECRET_VARIABLE = "CAMPAIGNKIT_X_CLIENT_SECRET"  # noqa: S105 - a variable name
SESSION_KEY = "blocklists.x_oauth"
TIMEOUT = 20.0


class ConnectError(Exception):
    """Connecting failed; the message says why, in words the supporter can read."""


def _handler() -> tweepy.OAuth2UserHandler:
    settings = plugin_settings("blocklists")
    if not settings.x_client_id:
        raise ConnectError("Connecting X accounts is not set up on this site yet.")
    return tweepy.OAuth2UserHandler(
        client_id=settings.x_client_id,
        redirect_uri=public_url_for("blocklists_account.x_callback"),
        scope=SCOPES,
        client_secret=os.environ.get(SECRET_VARIABLE) or None,
    )


def token_url() -> str:
    """Where X trades codes and refresh tokens for tokens."""
    return plugin_settings("blocklists").x_api_url.rstrip("/") + "/2/oauth2/token"


def start(session: dict) -> str:
    """X's consent page for a new connection; keeps the state and verifier in `session`."""
    handler = _handler()
    verifier = handler._client.create_code_verifier(128)
    challenge = handler._client.create_code_challenge(verifier, "S256")
    url, state = handler.authorization_url(
        plugin_settings("blocklists").x_authorize_url,
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    session[SESSION_KEY] = {"state": state, "verifier": verifier}
    return url


def finish(session: dict, args) -> tuple[RemoteAccount, dict]:  # noqa: ANN001 - request.args
    """The connected account and its credentials, from X's answer to the callback."""
    pending = session.pop(SESSION_KEY, None)
    if pending is None or not args.get("state") or args.get("state") != pending["state"]:
        raise ConnectError("This sign-in with X did not start here, or it is too old; "
                           "please connect again.")  # fmt: skip
    if args.get("error"):
        raise ConnectError("X did not give permission, so nothing was connected.")
    if not args.get("code"):
        raise ConnectError("X sent no sign-in code back; please connect again.")
    handler = _handler()
    try:
        token = OAuth2Session.fetch_token(
            handler, token_url(), code=args["code"], code_verifier=pending["verifier"],
            auth=handler.auth, include_client_id=True, timeout=TIMEOUT,
        )  # fmt: skip
    except OAuth2Error as error:
        raise ConnectError(f"X did not accept the sign-in ({error.error}); please connect "
                           "again.") from error  # fmt: skip
    except (RequestException, ValueError) as error:
        raise ConnectError("X did not answer; please try again in a few minutes.") from error
    credentials = _credentials(token)
    try:
        account = XPlatform(credentials["access_token"], base_url=_api_url()).me()
    except (AuthExpired, Unavailable) as error:
        raise ConnectError(f"X signed you in but then did not answer: {error}") from error
    return account, credentials


def refresh_x_tokens(connection) -> dict:  # noqa: ANN001 - a Connection
    """New tokens for an X connection whose access token expired; stores them sealed.

    Raises `AuthExpired` when X refuses the refresh token (the supporter must connect
    again), `Unavailable` when X does not answer, and `ConnectError` when the site's X
    app is no longer set up (``x_client_id`` empty). Needs an app context; the caller
    commits the session.
    """
    stored = unseal("x", connection.credentials)
    handler = _handler()
    handler.scope = None  # keep what was granted; no warning if X answers in another order
    extra = {} if handler.auth else {"client_id": handler.client_id}
    try:
        token = OAuth2Session.refresh_token(
            handler, token_url(), refresh_token=stored["refresh_token"], auth=handler.auth,
            timeout=TIMEOUT, **extra,
        )  # fmt: skip
    except OAuth2Error as error:
        raise AuthExpired("X no longer accepts this connection; connect it again.") from error
    except (RequestException, ValueError) as error:
        raise Unavailable("X did not answer the token refresh; trying again later.") from error
    credentials = _credentials(token, stored["refresh_token"])
    connection.credentials = seal("x", credentials)
    return credentials


def _credentials(token: dict, old_refresh: str = "") -> dict:
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token") or old_refresh,
        "expires_at": int(token.get("expires_at") or time.time() + token.get("expires_in", 7200)),
    }


def _api_url() -> str:
    return plugin_settings("blocklists").x_api_url.rstrip("/")
