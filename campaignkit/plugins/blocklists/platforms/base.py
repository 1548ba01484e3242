"""What the blocklists plugin needs from a platform (X, Mastodon, Bluesky), in one shape.

Each platform module (``x``, ``mastodon``, ``bluesky``) wraps its real client library
(tweepy, Mastodon.py, the atproto SDK) in a class that follows `Platform`. The apply job
talks only to this interface, so its promises (never act on someone the subscriber
follows, never repeat a call that succeeded, wait out a 429) are written once.

Accounts are always named by their stable id (X user id, Mastodon account id on its
server, Bluesky DID); a handle is only for showing. Every call records the rate-limit
headers of its answer in `Platform.last_rate_limit`, so the job can pace itself before it
is told to stop; a 429 raises `RateLimited` with the time the window reopens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

#: The actions a subscription can ask for; a platform lists the ones it allows.
MUTE = "mute"
BLOCK = "block"
#: Why an account cannot be shown, as a check by id finds it (`Platform.accounts_by_id`).
SUSPENDED, DELETED, DEACTIVATED = "suspended", "deleted", "deactivated"


@dataclass(frozen=True)
class RemoteAccount:
    """An account on a platform, by its stable id, with what the auto rules look at."""

    platform: str  # "x", "mastodon" or "bluesky"
    account_id: str  # the stable id: X user id, Mastodon id on its server, Bluesky DID
    handle: str  # for showing only: "@name", "@name@server" or "name.bsky.social"
    created_at: datetime | None = None
    followers_count: int | None = None


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit headers of the last answer: calls left in the window and its reset."""

    limit: int | None
    remaining: int | None
    reset_at: float | None  # Unix time the window reopens


class PlatformError(Exception):
    """A platform call failed; the message says why in words a subscriber can read."""


class RateLimited(PlatformError):
    """The platform answered 429: nothing was done; try again at `retry_at` (Unix time)."""

    def __init__(self, message: str, retry_at: float) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class AuthExpired(PlatformError):
    """The subscriber's token is expired or revoked: they must connect the account again."""


class TargetGone(PlatformError):
    """The target account is suspended, deleted or does not exist: skip it, do not retry.

    `state` says which, as far as the platform told: SUSPENDED, DELETED or DEACTIVATED.
    """

    def __init__(self, message: str, state: str = DELETED) -> None:
        super().__init__(message)
        self.state = state


class Unavailable(PlatformError):
    """The platform failed (5xx, timeout, unreachable): retry the same call later."""


class Platform(Protocol):
    """One connected account on one platform, through that platform's client library."""

    name: str  # "x", "mastodon" or "bluesky"
    actions: frozenset[str]  # which of MUTE and BLOCK this connection may do
    last_rate_limit: RateLimit | None

    def me(self) -> RemoteAccount:
        """The connected account itself."""

    def following_ids(self) -> set[str]:
        """Ids of every account the connected account follows (all pages)."""

    def muted_ids(self) -> set[str]:
        """Ids of every account the connected account has muted (all pages)."""

    def blocked_ids(self) -> set[str]:
        """Ids of every account the connected account has blocked (all pages)."""

    def apply(self, action: str, account_id: str) -> None:
        """Mute or block one account; doing it twice is harmless."""

    def undo(self, action: str, account_id: str) -> None:
        """Unmute or unblock one account; undoing what is not there is harmless."""

    def lookup_handles(self, handles: list[str]) -> dict[str, RemoteAccount]:
        """Resolve handles to accounts; a handle that does not exist is left out."""

    def accounts_by_id(self, ids: list[str]) -> dict[str, RemoteAccount | str]:
        """The accounts with these stable ids, or why one cannot be shown (SUSPENDED, ...)."""

    def recent_mentioners(self, since_id: str | None) -> tuple[list[RemoteAccount], str | None]:
        """Accounts that mentioned the connected account after since_id, and the new since_id."""
