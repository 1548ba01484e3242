"""Mastodon through Mastodon.py: one connected account on one Mastodon server.

Every Mastodon server is its own service, so an app is registered once per server
(`register_app`, kept per domain by the plugin) and the supporter signs in there
(`authorization_url`, then `exchange_code`). An account id is only meaningful on the server
it came from: `MastodonPlatform` names accounts by their id *on the connected server*, and
keeps `@name@server` (the account's `acct`, with the server added for local accounts) as the
handle for showing.

Mastodon.py is built with `ratelimit_method="throw"`, so the library never sleeps; after
every call the `X-RateLimit-*` headers it read are kept in `last_rate_limit`, and its errors
become the platform errors in `base`: 429 → `RateLimited` (at the header's reset time),
401 → `AuthExpired`, 404 and 410 → `TargetGone`, 5xx, timeouts and network failures →
`Unavailable`.

Every function and `MastodonPlatform` take an optional requests `session` that all their
requests go through: the plugin passes one that refuses private addresses (``outbound``).
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from .base import (
    BLOCK,
    MUTE,
    SUSPENDED,
    AuthExpired,
    PlatformError,
    RateLimit,
    RateLimited,
    RemoteAccount,
    TargetGone,
    Unavailable,
)

#: Granular scopes (Mastodon 3.5+ documents them per method): who am I and handle search
#: (read:accounts), the lists we must respect or update (read:follows, read:mutes,
#: read:blocks), the actions (write:mutes, write:blocks) and mentions for the auto rules.
SCOPES = [
    "read:accounts",
    "read:follows",
    "read:mutes",
    "read:blocks",
    "read:notifications",
    "write:mutes",
    "write:blocks",
]
CLIENT_NAME = "campaignkit blocklists"
TIMEOUT = 30.0  # seconds per HTTP request; Mastodon.py's default is 300
FALLBACK_WAIT = 300.0  # a 429 without X-RateLimit-Reset: wait one whole 5-minute window
PAGE_SIZE = 80  # the largest page Mastodon serves for accounts and notifications
#: An account id as Mastodon (digits) and compatible servers (flake ids) give them.
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

T = TypeVar("T")


def register_app(
    api_base_url: str,
    redirect_uri: str,
    scopes: list[str] = SCOPES,
    website: str | None = None,
    timeout: float = TIMEOUT,
    session: requests.Session | None = None,
) -> tuple[str, str]:
    """Register our app on one Mastodon server; return its (client_id, client_secret)."""
    with _translated(None):
        try:
            return Mastodon.create_app(
                CLIENT_NAME,
                scopes=scopes,
                redirect_uris=redirect_uri,
                website=website,
                api_base_url=api_base_url,
                request_timeout=timeout,
                session=session,
            )
        except (KeyError, TypeError, ValueError) as error:  # an error answer has no client_id
            raise PlatformError(f"{_host(api_base_url)} refused to register the app") from error


def authorization_url(
    api_base_url: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    state: str,
    scopes: list[str] = SCOPES,
    allow_http: bool = False,
    session: requests.Session | None = None,
) -> str:
    """The server's page where the supporter approves our app (OAuth code flow)."""
    api = _client(api_base_url, client_id=client_id, client_secret=client_secret, session=session)
    with _translated(None):
        return api.auth_request_url(
            redirect_uris=redirect_uri, scopes=scopes, state=state, allow_http=allow_http
        )


def exchange_code(
    api_base_url: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    scopes: list[str] = SCOPES,
    allow_http: bool = False,
    session: requests.Session | None = None,
) -> str:
    """Trade the code the server sent back for the supporter's access token.

    Mastodon.py reports every failure of the exchange as a bad argument; the failure it
    wraps tells a refused code (connect again) from a server that did not answer (retry).
    """
    api = _client(api_base_url, client_id=client_id, client_secret=client_secret, session=session)
    host = _host(api_base_url)
    try:
        return api.log_in(
            code=code, redirect_uri=redirect_uri, scopes=scopes, allow_http=allow_http
        )
    except MastodonIllegalArgumentError as error:
        if isinstance(error.__context__, MastodonServerError | MastodonNetworkError):
            raise Unavailable(f"{host} did not answer; try connecting again later") from error
        raise AuthExpired(f"{host} did not accept the sign-in; please connect again") from error
    except MastodonAPIError as error:  # the token came back with fewer scopes than asked
        raise AuthExpired(f"{host} did not grant every permission the lists need") from error


class MastodonPlatform:
    """A connected Mastodon account; follows the `Platform` protocol in base.py."""

    name = "mastodon"

    def __init__(
        self,
        api_base_url: str,
        access_token: str,
        actions: frozenset[str] = frozenset({MUTE, BLOCK}),
        timeout: float = TIMEOUT,
        session: requests.Session | None = None,
        server: str | None = None,
    ) -> None:
        self.api = _client(
            api_base_url, access_token=access_token, timeout=timeout, session=session
        )
        #: The server's name in handles (default: the host of api_base_url).
        self.server = server or _host(api_base_url)
        self.actions = actions
        self.last_rate_limit: RateLimit | None = None
        self._me: str | None = None

    def me(self) -> RemoteAccount:
        """The connected account itself."""
        account = self._call(self.api.account_verify_credentials)
        self._me = str(account.id)
        return self._remote(account)

    def following_ids(self) -> set[str]:
        """Ids of every account the connected account follows (all pages)."""
        if self._me is None:
            self.me()
        return self._all_ids(lambda: self.api.account_following(self._me, limit=PAGE_SIZE))

    def muted_ids(self) -> set[str]:
        """Ids of every account the connected account has muted (all pages)."""
        return self._all_ids(lambda: self.api.mutes(limit=PAGE_SIZE))

    def blocked_ids(self) -> set[str]:
        """Ids of every account the connected account has blocked (all pages)."""
        return self._all_ids(lambda: self.api.blocks(limit=PAGE_SIZE))

    def apply(self, action: str, account_id: str) -> None:
        """Mute or block one account; Mastodon answers 200 when it is already done."""
        self._check(action)
        method = {MUTE: self.api.account_mute, BLOCK: self.api.account_block}[action]
        self._call(method, account_id, target=account_id)

    def undo(self, action: str, account_id: str) -> None:
        """Unmute or unblock one account; Mastodon answers 200 when there was nothing to undo."""
        self._check(action)
        method = {MUTE: self.api.account_unmute, BLOCK: self.api.account_unblock}[action]
        self._call(method, account_id, target=account_id)

    def lookup_handles(self, handles: list[str]) -> dict[str, RemoteAccount]:
        """Resolve handles, leaving out unknown or suspended accounts.

        A handle is `@name@server`, a local `name`, or a profile address
        (`https://server/@name`). A remote handle this server has not seen yet is fetched
        by a resolving search.
        """
        found: dict[str, RemoteAccount] = {}
        for handle in handles:
            acct = _acct_of(handle)
            if acct is None:
                continue
            try:
                account = self._call(self.api.account_lookup, acct, target=acct)
            except TargetGone:
                if "@" not in acct:
                    continue
                matches = self._call(self.api.account_search, acct, limit=1, resolve=True)
                account = next((m for m in matches if _same_acct(m.acct, acct)), None)
            if account is not None and not account.get("suspended"):
                found[handle] = self._remote(account)
        return found

    def accounts_by_id(self, ids: list[str]) -> dict[str, RemoteAccount | str]:
        """Accounts by their id on this server (`Mastodon.account`, one call each).

        Mastodon answers an Account with ``suspended: true`` for a suspended one (410 before
        3.3) and 404 ``Record not found`` for one that does not exist: SUSPENDED or DELETED.
        A rate limit or failure raises, losing nothing: call with a few ids at a time.
        """
        found: dict[str, RemoteAccount | str] = {}
        for account_id in dict.fromkeys(ids):
            if not _ACCOUNT_ID.fullmatch(account_id):
                continue  # not an id a server gives (it would change the address asked)
            try:
                account = self._call(self.api.account, account_id, target=account_id)
            except TargetGone as gone:
                found[account_id] = gone.state
                continue
            found[account_id] = SUSPENDED if account.get("suspended") else self._remote(account)
        return found

    def recent_mentioners(self, since_id: str | None) -> tuple[list[RemoteAccount], str | None]:
        """Accounts that mentioned the connected account after since_id, and the new since_id.

        Without a since_id only the newest page is read, so a first check does not walk
        years of mentions; with one, pages are read back (max_id) until since_id.
        """
        mentioners: dict[str, RemoteAccount] = {}
        newest, max_id = since_id, None
        while True:
            page = self._call(
                self.api.notifications,
                types=["mention"],
                since_id=since_id,
                max_id=max_id,
                limit=PAGE_SIZE,
            )
            for notification in page:
                if notification.type == "mention" and notification.account is not None:
                    account = self._remote(notification.account)
                    mentioners.setdefault(account.account_id, account)
                newest = _newer(newest, str(notification.id))
            if since_id is None or len(page) < PAGE_SIZE:
                return list(mentioners.values()), newest
            max_id = str(page[-1].id)

    # ---- helpers ----

    def _check(self, action: str) -> None:
        if action not in self.actions:
            raise PlatformError(f"{action} is not allowed for this Mastodon connection")

    def _all_ids(self, first_page: Callable[[], list]) -> set[str]:
        ids: set[str] = set()
        page = self._call(first_page)
        while page:
            ids.update(str(account.id) for account in page)
            page = self._call(self.api.fetch_next, page)
        return ids

    def _call(self, method: Callable[..., T], *args, target: str | None = None, **kwargs) -> T:
        """Run one Mastodon.py call, keep its rate-limit headers, translate its errors."""
        seen = self.api.ratelimit_lastcall
        try:
            with _translated(target, self.api):
                return method(*args, **kwargs)
        finally:
            if self.api.ratelimit_lastcall != seen:
                self.last_rate_limit = RateLimit(
                    limit=self.api.ratelimit_limit,
                    remaining=self.api.ratelimit_remaining,
                    reset_at=self.api.ratelimit_reset,
                )

    def _remote(self, account) -> RemoteAccount:
        acct = str(account.acct)
        return RemoteAccount(
            platform=self.name,
            account_id=str(account.id),
            handle=f"@{acct}" if "@" in acct else f"@{acct}@{self.server}",
            created_at=_utc(account.get("created_at")),
            followers_count=account.get("followers_count"),
        )


def _client(api_base_url: str, timeout: float = TIMEOUT, **credentials) -> Mastodon:
    return Mastodon(
        api_base_url=api_base_url,
        ratelimit_method="throw",
        request_timeout=timeout,
        user_agent=CLIENT_NAME,
        **credentials,
    )


@contextmanager
def _translated(target: str | None, api: Mastodon | None = None) -> Iterator[None]:
    """Turn Mastodon.py's errors into the platform errors of base.py."""
    try:
        yield
    except PlatformError:
        raise
    except MastodonRatelimitError as error:
        raise RateLimited("Mastodon's rate limit was reached", _retry_at(api)) from error
    except MastodonUnauthorizedError as error:
        raise AuthExpired("the Mastodon token was revoked or expired; connect again") from error
    except MastodonNotFoundError as error:
        if target is None:
            raise PlatformError("the Mastodon server does not offer this call") from error
        raise TargetGone(f"Mastodon account {target} does not exist") from error
    except (MastodonServerError, MastodonNetworkError) as error:
        raise Unavailable("the Mastodon server did not answer; trying again later") from error
    except MastodonAPIError as error:
        status = error.args[1] if len(error.args) > 1 else None
        if status == 410 and target is not None:
            raise TargetGone(f"Mastodon account {target} is suspended", SUSPENDED) from error
        if status in (403, 422):
            raise AuthExpired("the Mastodon token lacks a needed permission") from error
        raise PlatformError(f"the Mastodon server refused the call (HTTP {status})") from error
    except MastodonError as error:  # a bad argument, or an OAuth address that is not https
        raise PlatformError(f"the Mastodon call could not be made: {error}") from error


def _retry_at(api: Mastodon | None) -> float:
    """When the window reopens: the X-RateLimit-Reset Mastodon.py read, else a whole window."""
    reset = api.ratelimit_reset if api is not None else None
    return reset if reset is not None else time.time() + FALLBACK_WAIT


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _newer(current: str | None, candidate: str) -> str:
    if current is None:
        return candidate
    if current.isdigit() and candidate.isdigit():
        return candidate if int(candidate) > int(current) else current
    return max(current, candidate)


def _acct_of(handle: str) -> str | None:
    """`name` or `name@server` from a handle or profile address; None if it is neither."""
    handle = handle.strip()
    if handle.startswith(("https://", "http://")):
        split = urllib.parse.urlsplit(handle)
        name = split.path.strip("/")
        if not name.startswith("@") or "/" in name or not split.hostname:
            return None
        handle = f"{name}@{split.hostname}"
    acct = handle.removeprefix("@")
    return acct if acct and acct.count("@") <= 1 and " " not in acct else None


def _same_acct(found: str, wanted: str) -> bool:
    return str(found).lower() == wanted.lower()


def _host(api_base_url: str) -> str:
    split = urllib.parse.urlsplit(api_base_url if "//" in api_base_url else f"//{api_base_url}")
    return split.hostname or api_base_url
