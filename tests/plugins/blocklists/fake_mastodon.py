"""A local fake Mastodon server, speaking the real wire format, for the blocklists tests.

It answers the calls Mastodon.py makes for the blocklists plugin: app registration
(`POST /api/v1/apps`), OAuth (`/.well-known/oauth-authorization-server`, `/oauth/authorize`,
`/oauth/token`, `/oauth/revoke`), the instance (`/api/v1/instance`, `/api/v2/instance`),
accounts (verify_credentials, lookup, search, get, following), mutes, blocks, mute/block and
their undo (answering a Relationship), and notifications. Lists are paginated the way
Mastodon does it: by the id of the follow/mute/block record, with
`Link: <...max_id=...>; rel="next"` while a page is full.

Limits are Mastodon's `throttle_per_token_api`: `limit` calls per `window` seconds per token
(300 per 5 minutes; tests shrink the window), in windows aligned to the clock, with
`X-RateLimit-Limit`/`-Remaining`/`-Reset` (ISO 8601, microseconds) on every /api answer and
429 `{"error": "Too many requests"}` past the limit. Errors use Mastodon's bodies: 401 `The
access token is invalid`, 403 for a missing scope, 404 `Record not found`, 410 for a
suspended target. Tests can inject failures (the next N calls answer 500, or hang past the
client's timeout) and read `calls`, a log of every request.
"""

from __future__ import annotations

import contextlib
import json
import math
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

from fake_mastodon_api import ROUTES, ApiError, Request

from campaignkit.testing import local_http_server


@dataclass
class Call:
    """One request as the server saw it, and the status it answered."""

    method: str
    path: str
    params: dict[str, list[str]]
    status: int
    headers: dict[str, str]


@dataclass
class FakeMastodon:
    """State of one fake server: accounts, relationships, apps, tokens, limits and the call log."""

    domain: str = "mastodon.test"
    limit: int = 300
    window: float = 300.0
    url: str = ""
    accounts: dict[str, dict] = field(default_factory=dict)
    follows: dict[int, tuple[str, str]] = field(default_factory=dict)
    mutes: dict[int, tuple[str, str]] = field(default_factory=dict)
    blocks: dict[int, tuple[str, str]] = field(default_factory=dict)
    notifications: dict[int, dict] = field(default_factory=dict)
    apps: dict[str, dict] = field(default_factory=dict)
    codes: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)
    signed_in: str | None = None  # the account that approves /oauth/authorize
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, float]] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    _next_id: int = 110_000_000_000_000_000

    # ---- setting up the world ----

    def new_id(self) -> int:
        """A fresh snowflake-like id, increasing like Mastodon's."""
        self._next_id += 1
        return self._next_id

    def add_account(
        self,
        username: str,
        domain: str | None = None,
        created_at: datetime | None = None,
        followers_count: int = 100,
        suspended: bool = False,
        known: bool = True,
    ) -> str:
        """Add a local account (domain None) or a remote one; return its id.

        A remote account that is not `known` has never reached this server: lookup does not
        find it, and a search with resolve=true fetches it (as WebFinger would).
        """
        account_id = str(self.new_id())
        self.accounts[account_id] = {
            "username": username,
            "domain": domain,
            "created_at": created_at or datetime(2020, 1, 1, tzinfo=UTC),
            "followers_count": followers_count,
            "suspended": suspended,
            "known": known,
        }
        return account_id

    def follow(self, source: str, target: str) -> None:
        """Make source follow target."""
        self.follows[self.new_id()] = (source, target)

    def mute(self, source: str, target: str) -> None:
        """Make source mute target (as if done in the app)."""
        if not self.has(self.mutes, source, target):
            self.mutes[self.new_id()] = (source, target)

    def block(self, source: str, target: str) -> None:
        """Make source block target (as if done in the app)."""
        if not self.has(self.blocks, source, target):
            self.blocks[self.new_id()] = (source, target)

    def notify(self, author: str, owner: str, kind: str = "mention") -> str:
        """A notification for owner caused by author (`mention`, `favourite`...); its id."""
        notification_id = self.new_id()
        self.notifications[notification_id] = {
            "owner": owner,
            "type": kind,
            "from": author,
            "created_at": datetime.now(UTC),
        }
        return str(notification_id)

    def issue_token(self, account_id: str, scopes: str = "read write follow") -> str:
        """A user token for the account, as if it had gone through OAuth."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = {"account": account_id, "scopes": scopes.split(), "revoked": False}
        return token

    def revoke(self, token: str) -> None:
        """Revoke a token, as when the user removes the app in their settings."""
        self.tokens[token]["revoked"] = True

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next count requests with this HTTP status (a server error)."""
        self.failures.extend([("status", float(status))] * count)

    def hang_next(self, count: int = 1, seconds: float = 2.0) -> None:
        """Hold the next count requests for seconds before answering (past a client timeout)."""
        self.failures.extend([("hang", seconds)] * count)

    # ---- reading the world ----

    @staticmethod
    def has(relation: dict[int, tuple[str, str]], source: str, target: str) -> bool:
        """Whether the relation (follows, mutes, blocks) holds source → target."""
        return (source, target) in relation.values()

    def paths(self, method: str | None = None) -> list[str]:
        """The paths called so far, in order (optionally of one HTTP method)."""
        return [call.path for call in self.calls if method in (None, call.method)]

    def acct(self, account_id: str) -> str:
        """The account's acct: `name` when local, `name@domain` when remote."""
        account = self.accounts[account_id]
        if account["domain"]:
            return f"{account['username']}@{account['domain']}"
        return account["username"]

    # ---- rate limit ----

    def count(self, key: str) -> dict[str, str]:
        """Count one /api request for key in the current window; its X-RateLimit-* headers."""
        now = time.time()
        slot = math.floor(now / self.window)
        with self.lock:
            used = self.counters.get((key, slot), 0) + 1
            self.counters[(key, slot)] = used
        reset = datetime.fromtimestamp((slot + 1) * self.window, UTC)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.limit - used, 0)),
            "X-RateLimit-Reset": reset.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        }
        if used > self.limit:
            raise ApiError(429, "Too many requests", headers)
        return headers


def _handler(fake: FakeMastodon) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # answer at once on kept-alive connections

        def answer(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = urllib.parse.parse_qs(split.query)
            if self.command != "GET":
                params.update(urllib.parse.parse_qs(body))
            path = split.path.rstrip("/") or "/"
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            request = Request(fake, self.command, path, params, token, self.client_address[0])
            headers: dict[str, str] = {}
            status, payload, extra = 200, {}, {}
            try:
                failure = fake.failures.pop(0) if fake.failures else None
                if failure and failure[0] == "hang":
                    fake.stopping.wait(failure[1])
                elif failure:
                    raise ApiError(int(failure[1]), "Internal server error")
                payload, extra = _route(request, headers)
            except ApiError as error:
                status, payload = error.status, {"error": error.message}
                headers.update(error.headers)
            headers.update(extra)
            fake.calls.append(Call(self.command, path, params, status, dict(headers)))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                self.send(status, payload, headers)

        def send(self, status: int, payload, headers: dict[str, str]) -> None:
            location = headers.pop("Location", None)
            data = json.dumps(payload).encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = answer  # noqa: N815 - http.server's names

        def log_message(self, *args) -> None:  # quiet test output
            pass

    return Handler


def _route(request: Request, headers: dict[str, str]):
    """Find the route for the request, count it against the limit, and run it."""
    for method, pattern, handler in ROUTES:
        match = pattern.fullmatch(request.path)
        if method == request.method and match:
            if request.path.startswith("/api/"):
                key = request.authenticated_key()
                headers.update(request.fake.count(key))
            return handler(request, *match.groups())
    raise ApiError(404, "Record not found")


@contextmanager
def serve(**options) -> Iterator[FakeMastodon]:
    """Run a FakeMastodon on a free localhost port for the length of a with block."""
    fake = FakeMastodon(**options)
    with local_http_server(_handler(fake)) as url:
        fake.url = url
        try:
            yield fake
        finally:
            fake.stopping.set()  # hanging answers end before the server stops
