"""X through tweepy: one connected X account as a `Platform` (OAuth 2.0 user context).

Every call goes through `tweepy.Client` (API v2) with the subscriber's OAuth 2.0 access
token as the bearer, ``wait_on_rate_limit=False`` (the apply job decides when to wait, a
worker must never sleep inside tweepy) and tweepy's own methods and pagination. Muting is
the action on X: tweepy 4.15 dropped ``block``/``unblock`` because X closed those v2
endpoints to general access. Blocking uses tweepy's v1.1 `tweepy.API.create_block` /
``destroy_block`` and is offered only when the instance allows it (``allow_block=True``)
for an access level that still has those endpoints.

tweepy builds every URL from ``https://api.twitter.com``. A requests transport adapter
(`_Rehost`) mounted on tweepy's own sessions sends those requests to ``base_url`` instead
(X's current host by default, a local fake in tests) and gives them a timeout, which
tweepy.Client never sets. A response hook on the same sessions records the
``x-rate-limit-*`` headers of every answer, errors included, before tweepy looks at it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

from .base import (
    BLOCK,
    DELETED,
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

X_API = "https://api.x.com"
TWEEPY_ORIGIN = "https://api.twitter.com"  # where tweepy sends everything
WINDOW = 900  # X's rate-limit window, used only if a 429 comes without a reset header
USER_FIELDS = ["created_at", "public_metrics"]
USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")  # what X accepts in /2/users/by
LOOKUP_BATCH = 100  # usernames per /2/users/by call
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


class _Rehost(HTTPAdapter):
    """Sends tweepy's requests for api.twitter.com to `base_url`, each with a timeout."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def send(self, request, **kwargs):
        """Rewrite the origin, then send as requests would (proxies chosen for the new URL)."""
        if request.url.startswith(TWEEPY_ORIGIN + "/") and self.base_url != TWEEPY_ORIGIN:
            request.url = self.base_url + request.url[len(TWEEPY_ORIGIN) :]
            kwargs["proxies"] = requests.utils.get_environ_proxies(request.url)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class XPlatform:
    """A connected X account, through tweepy, in the shape the apply job expects."""

    name = "x"

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = X_API,
        allow_block: bool = False,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.actions = frozenset({MUTE, BLOCK} if allow_block else {MUTE})
        self.last_rate_limit: RateLimit | None = None
        #: The latest headers per endpoint ("POST /2/users/:id/muting"), for pacing one kind.
        self.rate_limits: dict[str, RateLimit] = {}
        self._clock = clock
        self._user_id: str | None = None
        self.client = tweepy.Client(bearer_token=access_token, wait_on_rate_limit=False)
        self._prepare(self.client.session, base_url, timeout)
        self.v1 = None
        if allow_block:
            auth = tweepy.OAuth2BearerHandler(access_token)
            self.v1 = tweepy.API(auth, wait_on_rate_limit=False, timeout=timeout)
            self._prepare(self.v1.session, base_url, timeout)

    def _prepare(self, session: requests.Session, base_url: str, timeout: float) -> None:
        session.mount(TWEEPY_ORIGIN + "/", _Rehost(base_url, timeout))
        session.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args, **kwargs) -> None:
        headers = response.headers
        if "x-rate-limit-limit" not in headers:
            return  # a gateway error or a 401 says nothing about the window
        limit = RateLimit(
            _int(headers.get("x-rate-limit-limit")),
            _int(headers.get("x-rate-limit-remaining")),
            _int(headers.get("x-rate-limit-reset")),
        )
        self.last_rate_limit = limit
        parts = urlsplit(response.url).path.split("/")  # "", "2", "users", "123", ...
        path = "/".join(parts[:2] + [":id" if p.isdigit() else p for p in parts[2:]])
        self.rate_limits[f"{response.request.method} {path}"] = limit

    # ---- the Platform interface ----

    def me(self) -> RemoteAccount:
        """The connected account itself."""
        with self._errors():
            answer = self.client.get_me(user_auth=False, user_fields=USER_FIELDS)
        if answer.data is None:
            raise PlatformError("X did not say which account this token belongs to.")
        self._user_id = str(answer.data.id)
        return _account(answer.data)

    def following_ids(self) -> set[str]:
        """Ids of every account the connected account follows (all pages)."""
        return self._ids(self.client.get_users_following, self._my_id())

    def muted_ids(self) -> set[str]:
        """Ids of every account the connected account has muted (all pages)."""
        return self._ids(self.client.get_muted)

    def blocked_ids(self) -> set[str]:
        """Ids of every account the connected account has blocked (all pages)."""
        return self._ids(self.client.get_blocked)

    def apply(self, action: str, account_id: str) -> None:
        """Mute (or, if allowed, block) one account; doing it twice is harmless."""
        self._allowed(action)
        with self._errors():
            if action == BLOCK:
                self.v1.create_block(user_id=account_id)
            else:
                _check_target(self.client.mute(account_id, user_auth=False))

    def undo(self, action: str, account_id: str) -> None:
        """Unmute (or unblock) one account; undoing what is not there is harmless."""
        self._allowed(action)
        with self._errors():
            if action == BLOCK:
                self.v1.destroy_block(user_id=account_id)
            else:
                _check_target(self.client.unmute(account_id, user_auth=False))

    def lookup_handles(self, handles: list[str]) -> dict[str, RemoteAccount]:
        """Resolve handles ("@name" or "name") to accounts; unknown or invalid ones are left out."""
        wanted: dict[str, list[str]] = {}
        for handle in handles:
            name = handle.strip().removeprefix("@")
            if USERNAME.fullmatch(name):
                wanted.setdefault(name.lower(), []).append(handle)
        names = list(wanted)
        found: dict[str, RemoteAccount] = {}
        for start in range(0, len(names), LOOKUP_BATCH):
            batch = names[start : start + LOOKUP_BATCH]
            with self._errors():
                answer = self.client.get_users(
                    usernames=batch, user_fields=USER_FIELDS, user_auth=False
                )
            for user in answer.data or []:
                for handle in wanted.get(user.username.lower(), []):
                    found[handle] = _account(user)
        return found

    def accounts_by_id(self, ids: list[str]) -> dict[str, RemoteAccount | str]:
        """Accounts by user id (`Client.get_users`, 100 a call); gone ones map to why.

        X answers 200 with the accounts it can show in ``data`` and a resource-not-found
        problem in ``errors`` for each other id ("User has been suspended: [id]." or "Could
        not find user with ids: [id]."): SUSPENDED or DELETED. Ids that are not X ids are
        left out.
        """
        wanted = [i for i in dict.fromkeys(ids) if i.isdigit()]
        found: dict[str, RemoteAccount | str] = {}
        for start in range(0, len(wanted), LOOKUP_BATCH):
            batch = wanted[start : start + LOOKUP_BATCH]
            with self._errors():
                answer = self.client.get_users(ids=batch, user_fields=USER_FIELDS, user_auth=False)
            for user in answer.data or []:
                found[str(user.id)] = _account(user)
            for problem in answer.errors or []:
                value = str(problem.get("value") or problem.get("resource_id") or "")
                if value in batch and problem.get("type") == NOT_FOUND:
                    detail = str(problem.get("detail", "")).lower()
                    found[value] = SUSPENDED if "suspended" in detail else DELETED
        return found

    def recent_mentioners(self, since_id: str | None) -> tuple[list[RemoteAccount], str | None]:
        """Authors of posts mentioning the account after since_id, and the newest post id.

        Without a since_id only the latest page (100 posts) is read, to start the count.
        """
        my_id = self._my_id()
        pages = tweepy.Paginator(
            self.client.get_users_mentions,
            my_id,
            since_id=since_id,
            max_results=100,
            expansions=["author_id"],
            user_fields=USER_FIELDS,
            user_auth=False,
            limit=1 if since_id is None else float("inf"),
        )
        authors: dict[str, RemoteAccount] = {}
        newest = since_id
        with self._errors():
            for page in pages:
                if newest == since_id and page.meta.get("newest_id"):
                    newest = page.meta["newest_id"]
                for user in page.includes.get("users", []):
                    if str(user.id) != my_id:
                        authors.setdefault(str(user.id), _account(user))
        return list(authors.values()), newest

    # ---- helpers ----

    def _my_id(self) -> str:
        if self._user_id is None:
            self.me()
        return self._user_id

    def _ids(self, method, *args) -> set[str]:
        ids: set[str] = set()
        with self._errors():
            for page in tweepy.Paginator(method, *args, max_results=1000, user_auth=False):
                ids.update(str(user.id) for user in page.data or [])
        return ids

    def _allowed(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"This X connection may not {action}; it may {sorted(self.actions)}.")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn tweepy's and requests' exceptions into the platform errors the job handles."""
        try:
            yield
        except tweepy.TooManyRequests as error:
            reset = _int(error.response.headers.get("x-rate-limit-reset"))
            retry_at = float(reset) if reset else self._clock() + WINDOW
            when = datetime.fromtimestamp(retry_at, UTC).strftime("%H:%M:%S UTC")
            raise RateLimited(f"X's rate limit is used up until {when}.", retry_at) from error
        except tweepy.Unauthorized as error:
            raise AuthExpired(
                "X no longer accepts this account's sign-in (expired or revoked): "
                "connect the account again."
            ) from error
        except tweepy.NotFound as error:
            raise TargetGone("X says this account does not exist.") from error
        except tweepy.Forbidden as error:
            if "suspended" in str(_body(error.response)).lower():
                raise TargetGone("X says this account is suspended.", SUSPENDED) from error
            raise PlatformError(f"X refused the call: {_detail(error)}") from error
        except tweepy.TwitterServerError as error:
            status = error.response.status_code
            raise Unavailable(f"X failed ({status}); the call will be tried again.") from error
        except requests.RequestException as error:
            raise Unavailable(
                "X did not answer in time or could not be reached; the call will be tried again."
            ) from error
        except tweepy.HTTPException as error:
            raise PlatformError(f"X refused the call: {_detail(error)}") from error
        except tweepy.TweepyException as error:  # tweepy.API wraps a failed connection
            if isinstance(error.__context__, requests.RequestException):
                raise Unavailable(
                    "X could not be reached; the call will be tried again."
                ) from error
            raise PlatformError(f"X call failed: {error}") from error


def _check_target(answer) -> None:
    """A 200 answer with no data and a not-found problem means the target is gone."""
    if answer.data is None and any(e.get("type") == NOT_FOUND for e in answer.errors):
        raise TargetGone(f"X says this account is gone: {answer.errors[0].get('detail', '')}")


def _account(user: tweepy.User) -> RemoteAccount:
    metrics = user.public_metrics or {}
    return RemoteAccount(
        platform="x",
        account_id=str(user.id),
        handle=f"@{user.username}",
        created_at=user.created_at,
        followers_count=metrics.get("followers_count"),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _body(response: requests.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {}


def _detail(error: tweepy.HTTPException) -> str:
    body = _body(error.response)
    return body.get("detail") or "; ".join(error.api_messages) or str(error)
