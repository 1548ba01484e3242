"""A local fake of the X API v2 user endpoints (and v1.1 blocks), speaking the real wire format.

It answers what the blocklists X adapter calls: ``/2/users/me``, ``/2/users/by``,
``/2/users?ids=`` (the handle refresh), the
following, muting and blocking lists, mute and unmute, the mentions timeline, and the v1.1
``blocks/create`` and ``blocks/destroy``. Answers have X's shapes (``data``, ``includes``,
``meta`` with ``result_count`` and ``next_token``, an ``errors`` array of problems with
``title``/``detail``/``type``), X's status codes, and the ``x-rate-limit-limit``,
``-remaining`` and ``-reset`` headers. Each user's calls to each endpoint are counted in
15-minute windows with X's published limits, against a `Clock` that can run faster than
real time, so a test or the benchmark can live through many windows in seconds.

Tests arrange the world (users, follows, mutes, suspended and deleted accounts, revoked
tokens, injected 5xx answers and timeouts) and read `FakeX.calls` to see what arrived.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

from fake_x_endpoints import ApiError, route
from fake_x_oauth import FakeOAuth

from campaignkit.testing import local_http_server

WINDOW = 900  # X's rate-limit windows are 15 minutes

#: Calls per user per 15-minute window, from X's API reference (docs/blocklists-platforms.md).
LIMITS = {
    ("GET", "me"): 75,
    ("GET", "by"): 900,
    ("GET", "users"): 300,  # per app: the app-only bearer token the handle refresh uses
    ("GET", "following"): 15,
    ("GET", "muting"): 15,
    ("GET", "blocking"): 15,
    ("POST", "muting"): 50,
    ("DELETE", "muting"): 50,
    ("GET", "mentions"): 300,
    ("POST", "blocks/create"): 50,
    ("POST", "blocks/destroy"): 50,
}


class Clock:
    """X's clock: Unix time that runs `speed` times faster than real time from its start.

    A 15-minute window lasts 900 / speed real seconds; `advance` jumps ahead at once.
    """

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._unix_start, self._start = time.time(), time.monotonic()
        self._skipped = 0.0

    def time(self) -> float:
        """The fake's Unix time now (what ``x-rate-limit-reset`` is measured in)."""
        elapsed = (time.monotonic() - self._start) * self.speed
        return self._unix_start + elapsed + self._skipped

    def advance(self, seconds: float) -> None:
        """Jump the clock forward without waiting."""
        self._skipped += seconds

    def sleep(self, seconds: float) -> None:
        """Wait this many of the fake's seconds."""
        if seconds > 0:
            time.sleep(seconds / self.speed)

    def sleep_until(self, when: float) -> None:
        """Wait until the fake's Unix time reaches `when`."""
        self.sleep(when - self.time())


@dataclass
class User:
    """An X account and the relations the blocklists plugin reads and changes."""

    id: str
    username: str
    created_at: datetime
    followers_count: int = 0
    suspended: bool = False
    deleted: bool = False
    following: list[str] = field(default_factory=list)  # newest last
    muting: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)

    def as_json(self, fields: set[str]) -> dict:
        """The v2 user object with the requested ``user.fields``."""
        answer = {"id": self.id, "name": self.username.title(), "username": self.username}
        if "created_at" in fields:
            answer["created_at"] = self.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "public_metrics" in fields:
            answer["public_metrics"] = {
                "followers_count": self.followers_count,
                "following_count": len(self.following),
                "tweet_count": 0,
                "listed_count": 0,
            }
        if "protected" in fields:
            answer["protected"] = False
        return answer


@dataclass
class Tweet:
    """A post that mentions one or more users."""

    id: str
    author_id: str
    text: str
    mentions: set[str]


@dataclass
class Call:
    """One request as the server saw it, with the status it answered (0: no answer)."""

    method: str
    path: str
    params: dict[str, str]
    status: int
    at: float  # the fake clock's Unix time


@dataclass
class Failure:
    """An injected failure for the next matching call: an HTTP status or a hang."""

    status: int
    timeout: bool
    path: str | None


class FakeX:
    """The fake's whole state; `serve` runs it on a localhost port."""

    def __init__(
        self, window_seconds: float = WINDOW, hang_seconds: float = 1.0, limits: dict | None = None
    ) -> None:
        self.clock = Clock(WINDOW / window_seconds)
        self.limits = {**LIMITS, **(limits or {})}  # a test may lower one, e.g. ("GET", "users")
        self.hang_seconds = hang_seconds
        self.users: dict[str, User] = {}
        self.tokens: dict[str, str] = {}
        self.issued = 0  # tokens issued so far
        self.tweets: list[Tweet] = []
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.windows: dict[tuple[str, str, str], list] = {}  # key -> [reset_at, used]
        self.closed_windows: dict[tuple[str, str, str], list[int]] = {}  # key -> calls in each
        self.lock = threading.Lock()
        self.url = ""
        self.oauth = FakeOAuth(self)  # X's OAuth 2.0 consent page and token endpoint
        self.me = self.add_user("supporter", followers_count=120)
        self.token = self.issue_token(self.me.id)

    # ---- arranging the world ----

    def add_user(self, username: str, created_at: datetime | None = None, **fields) -> User:
        """A new account with a fresh numeric id."""
        user_id = str(1_000_000 + len(self.users))
        created = created_at or datetime(2015, 6, 1, tzinfo=UTC)
        self.users[user_id] = User(user_id, username, created, **fields)
        return self.users[user_id]

    def issue_token(self, user_id: str) -> str:
        """An OAuth 2.0 user-context access token for this user."""
        self.issued += 1  # never reuse a revoked token's name
        token = f"token-{user_id}-{self.issued - 1}"
        self.tokens[token] = user_id
        return token

    def revoke(self, token: str) -> None:
        """Revoke a token (the user disconnected the app, or it expired)."""
        self.tokens.pop(token, None)

    def mention(self, author: User, *mentioned: User, text: str = "hello") -> str:
        """A post by author that mentions these users; returns its id."""
        tweet_id = str(1_800_000_000_000_000_000 + len(self.tweets))
        names = " ".join(f"@{user.username}" for user in mentioned)
        self.tweets.append(Tweet(tweet_id, author.id, f"{names} {text}", {u.id for u in mentioned}))
        return tweet_id

    def fail_next(
        self, count: int = 1, *, status: int = 503, timeout: bool = False, path: str | None = None
    ) -> None:
        """Answer the next `count` calls (whose path contains `path`) with status or a hang."""
        self.failures.extend(Failure(status, timeout, path) for _ in range(count))

    def calls_to(self, method: str, path_part: str = "") -> list[Call]:
        """The calls made with this method whose path contains path_part."""
        return [c for c in self.calls if c.method == method and path_part in c.path]

    def window_usage(self, user: User, method: str, endpoint: str) -> list[int]:
        """Calls answered in each window so far for one user and endpoint (e.g. "muting")."""
        key = (user.id, method, endpoint)
        current = [self.windows[key][1]] if key in self.windows else []
        return self.closed_windows.get(key, []) + current

    # ---- serving one request ----

    def answer(self, method: str, path: str, params: dict, token: str | None):
        """Status, JSON body and headers for one request; None for an injected hang."""
        v1 = path.startswith("/1.1/")
        with self.lock:
            failure = next((f for f in self.failures if f.path is None or f.path in path), None)
            if failure is not None:
                self.failures.remove(failure)
                status = 0 if failure.timeout else failure.status
                self.calls.append(Call(method, path, params, status, self.clock.time()))
                if failure.timeout:
                    return None
                phrase = HTTPStatus(status).phrase
                return status, ApiError(status, phrase, phrase).body(v1), {}
            status, body, headers = self._answer(method, path, params, token, v1)
            self.calls.append(Call(method, path, params, status, self.clock.time()))
            return status, body, headers

    def _answer(self, method, path, params, token, v1):
        user = self.users.get(self.tokens.get(token or "", ""))
        if user is None or user.deleted or user.suspended:
            error = ApiError(401, "Unauthorized", "Unauthorized", code=89)
            if v1:
                error.detail = "Invalid or expired token."
            return 401, error.body(v1), {}
        found = route(method, path)
        if found is None:
            return 404, ApiError(404, "Not Found Error", "Not Found", code=34).body(v1), {}
        endpoint, handler, args = found
        limit = self.limits[(method, endpoint)]
        now = self.clock.time()
        key = (user.id, method, endpoint)
        window = self.windows.get(key)
        if window is None or now >= window[0]:
            if window is not None:
                self.closed_windows.setdefault(key, []).append(window[1])
            window = self.windows[key] = [math.ceil(now + WINDOW), 0]
        headers = {"x-rate-limit-limit": limit, "x-rate-limit-reset": window[0]}
        if window[1] >= limit:
            headers["x-rate-limit-remaining"] = 0
            error = ApiError(429, "Too Many Requests", "Too Many Requests", code=88)
            if v1:
                error.detail = "Rate limit exceeded"
            return 429, error.body(v1), headers
        window[1] += 1
        headers["x-rate-limit-remaining"] = limit - window[1]
        try:
            return 200, handler(self, user, params, *args), headers
        except ApiError as error:
            return error.status, error.body(v1), headers


def _handler(fake: FakeX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as X does; every answer has a length
        disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stalls

        def _serve(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(split.query))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if body and "json" in self.headers.get("Content-Type", ""):
                params.update({k: str(v) for k, v in json.loads(body).items()})
            elif body:
                params.update(urllib.parse.parse_qsl(body.decode()))
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            answer = fake.oauth.serve(self.command, split.path, params, auth)
            if answer is None:
                answer = fake.answer(self.command, split.path, params, token)
            if answer is None:  # an injected timeout: say nothing, then hang up
                time.sleep(fake.hang_seconds)
                self.close_connection = True
                return
            status, payload, headers = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server's names

        def log_message(self, *args) -> None:  # quiet test output
            pass

    return Handler


@contextmanager
def serve(**options) -> Iterator[FakeX]:
    """Run a FakeX on a free localhost port for the length of a with block."""
    fake = FakeX(**options)
    with local_http_server(_handler(fake)) as url:
        fake.url = url
        yield fake
