"""A local fake of a Bluesky PDS with its AppView, speaking the real XRPC wire format.

Queries are GET /xrpc/<nsid>?params, procedures POST /xrpc/<nsid> with a JSON body; answers
are JSON and errors are `{"error": "<Name>", "message": "..."}` with the status the reference
PDS uses (400 for ExpiredToken, InvalidToken, InvalidRequest, AccountTakedown; 401 for a
missing token or a wrong password; 429 RateLimitExceeded). Access tokens are JWTs with an
`exp` claim, so the atproto SDK refreshes them itself when they are near expiry.

Rate limits follow Bluesky's published PDS limits (fake_bluesky_limits.py): every answer
carries `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` (Unix seconds) and
`ratelimit-policy` of the tightest limit that applied, and a request over a limit gets 429
RateLimitExceeded. `fake.limits.scale` shrinks every window and `fake.clock` can be replaced,
so a test can live through an hour at once.

The XRPC methods themselves are in fake_bluesky_methods.py; this module holds the server,
auth, failure injection and the log of every call.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import math
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from fake_bluesky_limits import RateLimits
from fake_bluesky_methods import XrpcError, XrpcMethods

from campaignkit.testing import local_http_server

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_LIST_PARAMS = {"actors", "reasons"}
#: What answers without a session (the public AppView serves profiles and lists to anyone).
_OPEN_METHODS = {
    "com.atproto.server.createSession",
    "com.atproto.identity.resolveHandle",
    "app.bsky.actor.getProfile",
    "app.bsky.actor.getProfiles",
    "app.bsky.graph.getList",
}


@dataclass
class Call:
    """One request as the server understood it, with the status it was answered with."""

    nsid: str
    params: dict
    did: str | None = None
    status: int = 200


@dataclass
class Account:
    """An account on the fake: its DID, handle, app password and moderation status."""

    did: str
    handle: str
    password: str = "abcd-efgh-ijkl-mnop"
    status: str | None = None  # None, "takendown" or "deactivated"
    created_at: str = "2023-05-01T12:00:00.000Z"
    followers: int = 100
    pds: str = ""  # set: sessions carry a DID document naming this as the account's PDS


@dataclass
class _Failure:
    status: int | None  # None: hang
    seconds: float
    nsid: str | None


@dataclass
class FakeBluesky(XrpcMethods):
    """State of the fake PDS: accounts, repos, mutes, notifications, sessions and calls."""

    access_lifetime: float = 7200.0  # seconds; the SDK refreshes 15 minutes before expiry
    limits: RateLimits = field(default_factory=RateLimits)
    accounts: dict[str, Account] = field(default_factory=dict)
    repos: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)
    mutes: dict[str, dict[str, str]] = field(default_factory=dict)  # muter -> {did: key}
    notifications: dict[str, list[dict]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    clock: object = time.time
    _access: dict[str, str] = field(default_factory=dict)  # token -> did
    _refresh: dict[str, str] = field(default_factory=dict)  # token -> did
    _expired: set[str] = field(default_factory=set)
    _failures: list[_Failure] = field(default_factory=list)
    _counter: itertools.count = field(default_factory=itertools.count)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # ---- setting up a scene ----

    def add_account(self, handle: str, **fields) -> Account:
        """Create an account with a DID derived from its handle."""
        digest = base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()
        account = Account(did=f"did:plc:{digest[:24]}", handle=handle, **fields)
        self.accounts[account.did] = account
        self.repos[account.did] = {}
        return account

    def follow(self, did: str, subject: str) -> None:
        """Make did follow subject (a follow record in did's repo)."""
        record = {"$type": "app.bsky.graph.follow", "subject": subject, "createdAt": self.now()}
        self.put_record(did, "app.bsky.graph.follow", record)

    def mute(self, did: str, subject: str) -> None:
        """Make did mute subject, as if done in the app."""
        self.mutes.setdefault(did, {}).setdefault(subject, self.tid())

    def mention(self, author: str, subject: str, reason: str = "mention") -> dict:
        """Add a notification to subject: author mentioned (or replied to...) them in a post."""
        record = {"$type": "app.bsky.feed.post", "text": "hello", "createdAt": self.now()}
        uri, cid = self.put_record(author, "app.bsky.feed.post", record)
        notification = {
            "uri": uri,
            "cid": cid,
            "author": author,
            "reason": reason,
            "record": record,
            "isRead": False,
            "indexedAt": self.now(),
            "key": self.tid(),
        }
        self.notifications.setdefault(subject, []).append(notification)
        return notification

    def take_down(self, did: str, status: str = "takendown") -> None:
        """Suspend (or with status="deactivated", deactivate) an account."""
        self.accounts[did].status = status

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far answer ExpiredToken (their exp is unchanged)."""
        self._expired.update(self._access)

    def revoke_sessions(self, did: str) -> None:
        """Revoke every session of an account, as deleting its app password does."""
        for tokens in (self._access, self._refresh):
            for token in [t for t, owner in tokens.items() if owner == did]:
                del tokens[token]

    def fail_next(self, count: int = 1, status: int = 500, nsid: str | None = None) -> None:
        """Answer the next count calls (of nsid, or any) with this HTTP status."""
        self._failures.extend(_Failure(status, 0.0, nsid) for _ in range(count))

    def hang_next(self, count: int = 1, seconds: float = 1.0, nsid: str | None = None) -> None:
        """Hold the next count calls for seconds, then drop them without doing anything."""
        self._failures.extend(_Failure(None, seconds, nsid) for _ in range(count))

    # ---- looking at what happened ----

    def nsids(self) -> list[str]:
        """The methods called so far, in order."""
        return [call.nsid for call in self.calls]

    def records(self, did: str, collection: str) -> dict[str, dict]:
        """The records of one collection in an account's repo, by rkey."""
        return self.repos.get(did, {}).get(collection, {})

    # ---- helpers the methods use ----

    def now(self) -> str:
        """The current time in the ISO form atproto uses."""
        now = self.clock()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
        return f"{stamp}.{int(now * 1000) % 1000:03d}Z"

    def tid(self) -> str:
        """A new record key: a timestamp identifier, always larger than the last one."""
        value = (int(self.clock() * 1_000_000) + next(self._counter)) << 10
        return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in range(12, -1, -1))

    def issue_session(self, account: Account) -> dict:
        """A new access and refresh token pair for an account."""
        now = int(self.clock())
        access = _jwt(
            {
                "scope": "com.atproto.access",
                "sub": account.did,
                "iat": now,
                "exp": now + math.ceil(self.access_lifetime),
                "jti": self.tid(),  # two sessions issued in one second still differ
                "aud": "did:web:fake.pds",
            }
        )
        refresh = _jwt(
            {
                "scope": "com.atproto.refresh",
                "sub": account.did,
                "iat": now,
                "exp": now + 90 * 86400,
                "jti": self.tid(),
                "aud": "did:web:fake.pds",
            }
        )
        self._access[access], self._refresh[refresh] = account.did, account.did
        answer = {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": account.handle,
            "did": account.did,
            "active": True,
        }
        if account.pds:  # the account's DID document, as a PDS answers it
            answer["didDoc"] = {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": account.did,
                "alsoKnownAs": [f"at://{account.handle}"],
                "verificationMethod": [],
                "service": [
                    {
                        "id": "#atproto_pds",
                        "type": "AtprotoPersonalDataServer",
                        "serviceEndpoint": account.pds,
                    }
                ],  # fmt: skip
            }
        return answer

    def rotate_session(self, refresh_token: str) -> dict:
        """Exchange a refresh token for a new pair; the old refresh token stops working."""
        did = self._refresh.pop(refresh_token)
        return self.issue_session(self.accounts[did])

    # ---- the request cycle ----

    def answer(self, nsid: str, params: dict, token: str | None) -> tuple[int, dict, dict]:
        """Handle one call: auth, failures, rate limits, method. Status, body, headers."""
        call = Call(nsid, params)
        self.calls.append(call)
        with self._lock:
            failure = self._take_failure(nsid)
        if failure is not None and failure.status is None:
            time.sleep(failure.seconds)
            call.status = 504
            return 504, {"error": "UpstreamTimeout", "message": "Upstream timed out"}, {}
        headers: dict = {}
        try:
            with self._lock:
                if failure is not None:
                    raise XrpcError(failure.status, "InternalServerError", "Internal Server Error")
                call.did = self._authenticate(nsid, token)
                headers = self.limits.charge(nsid, params, call.did, self.clock())
                handler = getattr(self, "x_" + nsid.replace(".", "_"), None)
                if handler is None:
                    raise XrpcError(501, "MethodNotImplemented", "Method Not Implemented")
                body = handler(call, token)
        except XrpcError as error:
            call.status = error.status
            return (
                error.status,
                {"error": error.name, "message": error.message},
                {
                    **headers,
                    **error.headers,
                },
            )
        return 200, body, headers

    def _take_failure(self, nsid: str) -> _Failure | None:
        for index, failure in enumerate(self._failures):
            if failure.nsid in (None, nsid):
                return self._failures.pop(index)
        return None

    def _authenticate(self, nsid: str, token: str | None) -> str | None:
        if nsid in _OPEN_METHODS:
            return None
        if not token:
            raise XrpcError(401, "AuthMissing", "Authentication Required")
        if nsid == "com.atproto.server.refreshSession":
            if token not in self._refresh:
                raise XrpcError(400, "ExpiredToken", "Token has been revoked")
            return self._refresh[token]
        if token in self._refresh:
            raise XrpcError(400, "InvalidToken", "Bad token scope")
        if token in self._expired or _claims(token).get("exp", 0) <= self.clock():
            raise XrpcError(400, "ExpiredToken", "Token has expired")
        if token not in self._access:
            raise XrpcError(400, "InvalidToken", "Token could not be verified")
        return self._access[token]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict) -> str:
    signing_input = (
        _b64(b'{"typ":"at+jwt","alg":"HS256"}') + "." + _b64(json.dumps(claims).encode())
    )
    signature = hmac.new(b"fake-pds-secret", signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


def _claims(token: str) -> dict:
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def _handler(fake: FakeBluesky) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, params: dict) -> None:
            path = urllib.parse.urlsplit(self.path).path
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ").strip() or None
            if not path.startswith("/xrpc/"):
                status, body, headers = 404, {"error": "NotFound", "message": "Not Found"}, {}
            else:
                status, body, headers = fake.answer(path.removeprefix("/xrpc/"), params, token)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self._serve({k: v if k in _LIST_PARAMS else v[-1] for k, v in query.items()})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                params = json.loads(body) if body else {}
            except ValueError:
                params = {"__invalid__": True}
            self._serve(params if isinstance(params, dict) else {"__invalid__": True})

        def log_message(self, *args) -> None:  # quiet test output
            pass

    return Handler


@contextmanager
def serve(**options) -> Iterator[FakeBluesky]:
    """Run a FakeBluesky on a free localhost port for the length of a with block."""
    fake = FakeBluesky(**options)
    with local_http_server(_handler(fake)) as url:
        fake.url = url
        yield fake
