"""How the atproto SDK's errors become the platform errors of base.py.

Bluesky answers XRPC errors as `{"error": name, "message": text}`: 429 RateLimitExceeded with a
`ratelimit-reset` header (Unix seconds); 400 ExpiredToken or InvalidToken, or 401, when the
session is no longer accepted; 400 AccountTakedown, AccountDeactivated or InvalidRequest
"... not found" when the target account is gone; 5xx, 502 and network failures or timeouts
when the service is unavailable.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from .base import (
    DEACTIVATED,
    DELETED,
    SUSPENDED,
    AuthExpired,
    PlatformError,
    RateLimited,
    TargetGone,
    Unavailable,
)

AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}
#: Bluesky's names for a gone account, and what each means.
GONE_ERRORS = {
    "AccountTakedown": SUSPENDED,
    "AccountDeactivated": DEACTIVATED,
    "RepoTakendown": SUSPENDED,
    "RepoDeactivated": DEACTIVATED,
    "RepoSuspended": SUSPENDED,
    "RepoNotFound": DELETED,
    "ActorNotFound": DELETED,
}


def translate(error: Exception) -> PlatformError | None:
    """The platform error for an SDK error, or None when it is not one of the known kinds."""
    from atproto_client import exceptions as sdk  # the SDK is slow to import: only when needed
    from atproto_server.exceptions import InvalidTokenError

    if isinstance(error, sdk.LoginRequiredError | InvalidTokenError):
        return AuthExpired("The Bluesky session has ended; connect the account again.")
    if isinstance(error, sdk.ModelError):
        return Unavailable("Bluesky's answer could not be read; the call will be tried again.")
    if isinstance(error, sdk.NetworkError | httpx.HTTPError):
        return Unavailable("Bluesky did not answer in time; the call will be tried again.")
    if not isinstance(error, sdk.RequestErrorBase) or error.response is None:
        return None
    status = error.response.status_code
    content = error.response.content
    name = getattr(content, "error", None) or ""
    message = getattr(content, "message", None) or ""
    if status == 429:
        reset = number(error.response.headers.get("ratelimit-reset"))
        retry_at = reset if reset is not None else datetime.now(UTC).timestamp() + 60
        return RateLimited("Bluesky's rate limit is reached; waiting for it to reset.", retry_at)
    if status in (401, 403) or name in AUTH_ERRORS:
        return AuthExpired("Bluesky no longer accepts this session; connect the account again.")
    if (
        name in GONE_ERRORS
        or status == 404
        or (name == "InvalidRequest" and "not found" in message.lower())
    ):
        return TargetGone(
            f"That Bluesky account is gone ({name or status}: {message}).",
            GONE_ERRORS.get(name, DELETED),
        )
    if status >= 500:
        return Unavailable(f"Bluesky failed ({status}); the call will be tried again.")
    return PlatformError(f"Bluesky refused the call: {name or status} {message}".strip())


def number(value: str | None) -> float | None:
    """A header's whole number, or None when it is missing or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
