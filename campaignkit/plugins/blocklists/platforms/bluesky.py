"""Bluesky through the atproto SDK: one connected account, signed in with an app password.

`BlueskyPlatform.connect` signs in once with a handle and app password and keeps only the
session string the SDK exports (access and refresh tokens); `BlueskyPlatform.resume` starts
from a stored session string. Whenever the SDK creates or refreshes the session, the new
string goes to `on_session`, so the caller stores it and never keeps a password.

Mutes are `app.bsky.graph.muteActor`/`unmuteActor` on the AppView. Blocks are
`app.bsky.graph.block` records in the account's own repository: applying creates one record
unless one for that DID is already there, undoing deletes every record for it. Every answer's
`ratelimit-*` headers are kept in `last_rate_limit` (an httpx response hook on the SDK's
`Request`), and SDK errors become the platform errors of base.py (bluesky_errors.py); the
moderation lists of bluesky_modlists.py go through the same calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from .base import BLOCK, MUTE, AuthExpired, RateLimit, RemoteAccount, TargetGone
from .bluesky_errors import number, translate
from .bluesky_modlists import ModerationLists

if TYPE_CHECKING:
    from atproto_client import Session, SessionEvent

# The atproto SDK takes over a second to import; it is imported where it is used, so
# processes that never talk to Bluesky (most requests, every command) do not pay for it.

SERVICE = "https://bsky.social"
BLOCK_COLLECTION = "app.bsky.graph.block"
PAGE_SIZE = 100  # the most any Bluesky list call returns at once
PROFILES_PER_CALL = 25  # the most app.bsky.actor.getProfiles accepts
_HANDLE = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
_DID = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]")


class BlueskyPlatform(ModerationLists):
    """A connected Bluesky account; follows the `Platform` protocol of base.py."""

    name = "bluesky"
    actions = frozenset({MUTE, BLOCK})

    def __init__(
        self,
        *,
        service: str = SERVICE,
        on_session: Callable[[str], None] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """An account not yet signed in; use `connect` or `resume` instead."""
        from atproto_client import Client
        from atproto_client.request import Request

        self.last_rate_limit: RateLimit | None = None
        self.did = ""
        self._on_session = on_session
        self._blocks: dict[str, list[str]] | None = None  # DID -> rkeys of its block records
        hook = {"response": [self._record_rate_limit]}
        self._client = Client(service, request=Request(timeout=timeout, event_hooks=hook))
        self._client.on_session_change(self._session_changed)

    @classmethod
    def connect(cls, handle: str, app_password: str, **settings) -> BlueskyPlatform:
        """Sign in with a handle and app password; only the session is kept, not the password."""
        platform = cls(**settings)
        platform._call(
            platform._client.login,
            handle.strip().removeprefix("@"),
            app_password,
            fetch_bsky_profile=False,
            retry_auth=False,
        )
        return platform

    @classmethod
    def resume(cls, session_string: str, **settings) -> BlueskyPlatform:
        """Continue a session stored from `on_session`; the SDK refreshes it near expiry."""
        from atproto_core.exceptions import AtProtocolError

        platform = cls(**settings)
        try:
            platform._client.login(session_string=session_string, fetch_bsky_profile=False)
        except (ValueError, AtProtocolError) as error:
            raise AuthExpired("The stored Bluesky session is unreadable; connect again.") from error
        return platform

    @property
    def session_string(self) -> str:
        """The current session (tokens and PDS address) to store for `resume`."""
        return self._client.export_session_string()

    # ---- the Platform protocol ----

    def me(self) -> RemoteAccount:
        """The connected account itself."""
        return _account(self._call(self._client.app.bsky.actor.get_profile, {"actor": self.did}))

    def following_ids(self) -> set[str]:
        """DIDs of every account the connected account follows (all pages)."""
        pages = self._pages(self._client.app.bsky.graph.get_follows, {"actor": self.did})
        return {profile.did for page in pages for profile in page.follows}

    def muted_ids(self) -> set[str]:
        """DIDs of every account the connected account has muted (all pages)."""
        pages = self._pages(self._client.app.bsky.graph.get_mutes, {})
        return {profile.did for page in pages for profile in page.mutes}

    def blocked_ids(self) -> set[str]:
        """DIDs of every account the connected account has blocked (its block records)."""
        self._blocks = {}
        for rkey, value in self._own_records(BLOCK_COLLECTION):
            self._blocks.setdefault(value["subject"], []).append(rkey)
        return set(self._blocks)

    def apply(self, action: str, account_id: str) -> None:
        """Mute, or block with one block record; doing it twice is harmless."""
        if action == MUTE:
            self._call(self._client.app.bsky.graph.mute_actor, {"actor": account_id})
        elif action == BLOCK:
            if self._blocks is None:
                self.blocked_ids()
            if account_id in self._blocks:
                return
            record = {"$type": BLOCK_COLLECTION, "subject": account_id, "createdAt": _now()}
            created = self._call(
                self._client.com.atproto.repo.create_record,
                {"repo": self.did, "collection": BLOCK_COLLECTION, "record": record},
            )
            self._blocks[account_id] = [created.uri.rsplit("/", 1)[-1]]
        else:
            raise ValueError(f"Bluesky cannot {action!r} an account")

    def undo(self, action: str, account_id: str) -> None:
        """Unmute, or delete every block record for the account; undoing nothing is harmless."""
        if action == MUTE:
            self._call(self._client.app.bsky.graph.unmute_actor, {"actor": account_id})
        elif action == BLOCK:
            if self._blocks is None:
                self.blocked_ids()
            for rkey in list(self._blocks.get(account_id, [])):
                self._call(
                    self._client.com.atproto.repo.delete_record,
                    {"repo": self.did, "collection": BLOCK_COLLECTION, "rkey": rkey},
                )
                self._blocks[account_id].remove(rkey)
            self._blocks.pop(account_id, None)
        else:
            raise ValueError(f"Bluesky cannot {action!r} an account")

    def lookup_handles(self, handles: list[str]) -> dict[str, RemoteAccount]:
        """Resolve handles (or DIDs) to accounts, 25 a call; ones that do not exist are left out."""
        wanted: dict[str, str] = {}
        for handle in handles:
            name = handle.strip().removeprefix("@")
            name = name if name.startswith("did:") else name.lower()
            if _HANDLE.fullmatch(name) or _DID.fullmatch(name):
                wanted.setdefault(name, handle)
        found = {}
        for account in self._profiles(list(wanted)):
            given = wanted.get(account.handle.lower()) or wanted.get(account.account_id)
            if given is not None:
                found[given] = account
        return found

    def accounts_by_id(self, ids: list[str]) -> dict[str, RemoteAccount | str]:
        """Accounts by DID (``app.bsky.actor.getProfiles``, 25 a call); gone ones map to why.

        getProfiles leaves out what the AppView cannot show; each DID left out is asked once
        with ``getProfile``, whose error says why: AccountTakedown (SUSPENDED),
        AccountDeactivated (DEACTIVATED) or "Profile not found" (DELETED).
        """
        wanted = [did for did in dict.fromkeys(ids) if _DID.fullmatch(did)]
        found: dict[str, RemoteAccount | str] = {
            account.account_id: account for account in self._profiles(wanted)
        }
        for did in wanted:
            if did in found:
                continue
            try:
                profile = self._call(self._client.app.bsky.actor.get_profile, {"actor": did})
                found[did] = _account(profile)
            except TargetGone as gone:
                found[did] = gone.state
        return found

    def recent_mentioners(self, since_id: str | None) -> tuple[list[RemoteAccount], str | None]:
        """Accounts that mentioned the connected account since since_id (an indexedAt time).

        With no since_id only the latest page (100 notifications) is read; after that, pages
        are read back until an older notification appears. The new since_id is the newest
        indexedAt seen.
        """
        authors: dict[str, str] = {}
        newest = since_id
        params = {"limit": PAGE_SIZE, "reasons": ["mention"]}
        for page in self._pages(self._client.app.bsky.notification.list_notifications, params):
            mentions = [n for n in page.notifications if n.reason == "mention"]
            fresh = [n for n in mentions if since_id is None or n.indexed_at > since_id]
            for notification in fresh:
                authors.setdefault(notification.author.did, notification.author.handle)
                newest = max(newest or "", notification.indexed_at)
            if since_id is None or any(n.indexed_at <= since_id for n in page.notifications):
                break
        profiles = {account.account_id: account for account in self._profiles(list(authors))}
        mentioners = [
            profiles.get(did) or RemoteAccount("bluesky", did, handle)
            for did, handle in authors.items()
        ]
        return mentioners, newest

    # ---- calls ----

    def _profiles(self, actors: list[str]) -> list[RemoteAccount]:
        accounts = []
        for start in range(0, len(actors), PROFILES_PER_CALL):
            batch = actors[start : start + PROFILES_PER_CALL]
            answer = self._call(self._client.app.bsky.actor.get_profiles, {"actors": batch})
            accounts += [_account(profile) for profile in answer.profiles]
        return accounts

    def _own_records(self, collection: str) -> Iterator[tuple[str, dict]]:
        """(rkey, value as a dict) of every record in a collection of the account's repo."""
        params = {"repo": self.did, "collection": collection}
        for page in self._pages(self._client.com.atproto.repo.list_records, params):
            for record in page.records:
                yield record.uri.rsplit("/", 1)[-1], _plain(record.value)

    def _pages(self, method: Callable, params: dict) -> Iterator:
        """Every page of a list call, following its cursor until there is none."""
        cursor, seen = None, set()
        while True:
            page = self._call(method, {**params, "limit": PAGE_SIZE, **_cursor(cursor)})
            yield page
            cursor = page.cursor
            if not cursor or cursor in seen:
                return
            seen.add(cursor)

    def _call(self, method: Callable, *args, retry_auth: bool = True, **kwargs):
        """Call the SDK, turning its errors into platform errors; refresh once if auth fails."""
        from atproto_core.exceptions import AtProtocolError

        try:
            return method(*args, **kwargs)
        except (AtProtocolError, httpx.HTTPError) as error:
            problem = translate(error)
            if problem is None:
                raise
            cause = error
        if isinstance(problem, AuthExpired) and retry_auth and self.did:
            # The SDK refreshes only before a token's own expiry time; a token the server
            # has stopped accepting earlier gets the same refresh, once (the SDK's own
            # refresh method: it has no public one, and it tells on_session_change).
            self._call(self._client._refresh_and_set_session, retry_auth=False)
            return self._call(method, *args, retry_auth=False, **kwargs)
        raise problem from cause

    def _record_rate_limit(self, response: httpx.Response) -> None:
        headers = response.headers
        if "ratelimit-limit" in headers:
            self.last_rate_limit = RateLimit(
                limit=number(headers.get("ratelimit-limit")),
                remaining=number(headers.get("ratelimit-remaining")),
                reset_at=number(headers.get("ratelimit-reset")),
            )

    def _session_changed(self, event: SessionEvent, session: Session) -> None:
        from atproto_client import SessionEvent

        self.did = session.did
        if event is not SessionEvent.IMPORT and self._on_session is not None:
            self._on_session(session.export())


def _account(profile) -> RemoteAccount:
    """A RemoteAccount from a profile view; a missing or odd creation date becomes None."""
    try:
        created = datetime.fromisoformat(profile.created_at.replace("Z", "+00:00"))
    except (AttributeError, TypeError, ValueError):
        created = None
    return RemoteAccount(
        platform="bluesky",
        account_id=profile.did,
        handle=profile.handle,
        created_at=created,
        followers_count=getattr(profile, "followers_count", None),
    )


def _plain(value) -> dict:
    """A record value as a plain dict, whether the SDK parsed it into a model or not."""
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=True)
    return value.to_dict() if hasattr(value, "to_dict") else dict(value)


def _cursor(cursor: str | None) -> dict:
    return {"cursor": cursor} if cursor else {}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
