"""The endpoints of the fake Mastodon server (see fake_mastodon.py) and its JSON entities.

Each route takes a `Request` and returns (payload, extra headers) or raises `ApiError`.
Entities follow docs.joinmastodon.org: Account, Relationship, Notification, Application,
Token and the instance; list endpoints paginate by record id with a `Link` header.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime

SCOPE_PARENTS = {"read", "write", "follow"}
FOLLOW_SCOPES = {"read:blocks", "read:follows", "read:mutes"} | {
    "write:blocks",
    "write:follows",
    "write:mutes",
}


class ApiError(Exception):
    """An error answer: HTTP status, Mastodon's `error` text and any extra headers."""

    def __init__(self, status: int, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Request:
    """One request: the fake it reached, method, path, params, bearer token and client IP."""

    fake: object
    method: str
    path: str
    params: dict[str, list[str]]
    token: str | None
    ip: str

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query or form parameter."""
        values = self.params.get(name)
        return values[0] if values else default

    def authenticated_key(self) -> str:
        """What the rate limit counts against: the token when valid, else the client IP."""
        grant = self.fake.tokens.get(self.token) if self.token else None
        return f"token:{self.token}" if grant and not grant["revoked"] else f"ip:{self.ip}"

    def user(self, scope: str) -> str:
        """The token's account, after checking the token is valid and holds the scope."""
        grant = self.fake.tokens.get(self.token) if self.token else None
        if grant is None or grant["revoked"]:
            raise ApiError(401, "The access token is invalid")
        granted = set(grant["scopes"])
        parent = scope.split(":")[0]
        if not (
            scope in granted
            or parent in granted
            or ("follow" in granted and scope in FOLLOW_SCOPES)
        ):
            raise ApiError(403, "This action is outside the authorized scopes")
        return grant["account"]

    def target(self, account_id: str, gone_if_suspended: bool = True) -> dict:
        """The account named in the path: 404 when unknown, 410 when suspended."""
        account = self.fake.accounts.get(account_id)
        if account is None:
            raise ApiError(404, "Record not found")
        if gone_if_suspended and account["suspended"]:
            raise ApiError(410, "Account is suspended")
        return account

    def limit(self) -> int:
        """The page size: `limit` (default 40, at most 80)."""
        try:
            return max(1, min(int(self.param("limit", "40")), 80))
        except ValueError:
            return 40


# ---- entities ----


def account_json(fake, account_id: str) -> dict:
    """The Account entity."""
    account = fake.accounts[account_id]
    host = account["domain"] or fake.domain
    url = f"https://{host}/@{account['username']}"
    entity = {
        "id": account_id,
        "username": account["username"],
        "acct": fake.acct(account_id),
        "display_name": account["username"].title(),
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": account["created_at"].strftime("%Y-%m-%dT00:00:00.000Z"),
        "note": "",
        "url": url,
        "uri": f"https://{host}/users/{account['username']}",
        "avatar": f"https://{fake.domain}/avatars/original/missing.png",
        "avatar_static": f"https://{fake.domain}/avatars/original/missing.png",
        "header": f"https://{fake.domain}/headers/original/missing.png",
        "header_static": f"https://{fake.domain}/headers/original/missing.png",
        "followers_count": account["followers_count"],
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }
    if account["suspended"]:
        entity.update(suspended=True, display_name="", followers_count=0)
    return entity


def relationship_json(fake, me: str, other: str) -> dict:
    """The Relationship entity between the signed-in account and another."""
    muted = fake.has(fake.mutes, me, other)
    return {
        "id": other,
        "following": fake.has(fake.follows, me, other),
        "showing_reblogs": fake.has(fake.follows, me, other),
        "notifying": False,
        "languages": None,
        "followed_by": fake.has(fake.follows, other, me),
        "blocking": fake.has(fake.blocks, me, other),
        "blocked_by": fake.has(fake.blocks, other, me),
        "muting": muted,
        "muting_notifications": muted,
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


def _page(request: Request, records: dict[int, object]) -> tuple[list[int], dict[str, str]]:
    """Record ids of one page (newest first) and its Link header, as Mastodon paginates."""
    ids = sorted(records, reverse=True)
    max_id, since_id, min_id = (request.param(n) for n in ("max_id", "since_id", "min_id"))
    ids = [i for i in ids if not max_id or i < int(max_id)]
    ids = [i for i in ids if not since_id or i > int(since_id)]
    if min_id:
        ids = [i for i in ids if i > int(min_id)][-request.limit() :]
    page = ids[: request.limit()]
    base = f"{request.fake.url}{request.path}"
    links = []
    if len(page) == request.limit():
        query = urllib.parse.urlencode({"limit": request.limit(), "max_id": page[-1]})
        links.append(f'<{base}?{query}>; rel="next"')
    if page:
        query = urllib.parse.urlencode({"limit": request.limit(), "min_id": page[0]})
        links.append(f'<{base}?{query}>; rel="prev"')
    return page, ({"Link": ", ".join(links)} if links else {})


def _accounts_page(request: Request, relation: dict, source: str) -> tuple[list, dict]:
    fake = request.fake
    records = {
        record_id: target
        for record_id, (owner, target) in relation.items()
        if owner == source and not fake.accounts[target]["suspended"]
    }
    page, headers = _page(request, records)
    return [account_json(fake, records[i]) for i in page], headers


# ---- routes ----


def instance_v1(request: Request):
    fake = request.fake
    return {"uri": fake.domain, "title": "Fake Mastodon", "version": "4.3.0", "urls": {}}, {}


def instance_v2(request: Request):
    fake = request.fake
    return {
        "domain": fake.domain,
        "title": "Fake Mastodon",
        "version": "4.3.0",
        "api_versions": {"mastodon": 2},
        "source_url": "https://github.com/mastodon/mastodon",
        "configuration": {"urls": {}, "accounts": {}, "statuses": {}},
    }, {}


def oauth_server_info(request: Request):
    base = request.fake.url
    return {
        "issuer": f"{base}/",
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "app_registration_endpoint": f"{base}/api/v1/apps",
        "scopes_supported": sorted(SCOPE_PARENTS | FOLLOW_SCOPES | {"read:accounts"}),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }, {}


def create_app(request: Request):
    name, scopes = request.param("client_name"), request.param("scopes", "read")
    redirect_uris = (request.param("redirect_uris") or "").split()
    if not name or not redirect_uris:
        raise ApiError(422, "Validation failed: Application name and redirect URI can't be blank")
    app = {"client_id": secrets.token_urlsafe(24), "client_secret": secrets.token_urlsafe(32)}
    app.update(name=name, scopes=scopes.split(), redirect_uris=redirect_uris)
    request.fake.apps[app["client_id"]] = app
    return {
        "id": str(request.fake.new_id()),
        "name": name,
        "website": request.param("website"),
        "scopes": app["scopes"],
        "redirect_uri": "\n".join(redirect_uris),
        "redirect_uris": redirect_uris,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "client_secret_expires_at": 0,
    }, {}


def _checked_app(request: Request) -> tuple[dict, list[str]]:
    app = request.fake.apps.get(request.param("client_id") or "")
    if app is None:
        raise ApiError(401, "invalid_client")
    scopes = (request.param("scope") or "read").split()
    if not set(scopes) <= set(app["scopes"]):
        raise ApiError(400, "invalid_scope")
    if request.param("redirect_uri") not in app["redirect_uris"]:
        raise ApiError(400, "invalid_redirect_uri")
    return app, scopes


def authorize(request: Request):
    """The user (fake.signed_in) approves at once: redirect back with a code."""
    _, scopes = _checked_app(request)
    if request.fake.signed_in is None:
        raise ApiError(401, "You need to sign in or sign up before continuing.")
    code = secrets.token_urlsafe(24)
    request.fake.codes[code] = {
        "client_id": request.param("client_id"),
        "account": request.fake.signed_in,
        "scopes": scopes,
        "redirect_uri": request.param("redirect_uri"),
    }
    query = {"code": code} | ({"state": request.param("state")} if request.param("state") else {})
    location = f"{request.param('redirect_uri')}?{urllib.parse.urlencode(query)}"
    raise ApiError(302, "You are being redirected.", {"Location": location})


def token(request: Request):
    app, _ = _checked_app(request)
    grant = request.fake.codes.pop(request.param("code") or "", None)
    if (
        request.param("grant_type") != "authorization_code"
        or request.param("client_secret") != app["client_secret"]
        or grant is None
        or grant["client_id"] != app["client_id"]
        or grant["redirect_uri"] != request.param("redirect_uri")
    ):
        raise ApiError(400, "invalid_grant")
    access_token = request.fake.issue_token(grant["account"], " ".join(grant["scopes"]))
    created = int(datetime.now(UTC).timestamp())
    scope = " ".join(grant["scopes"])
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "scope": scope,
        "created_at": created,
    }, {}


def revoke(request: Request):
    grant = request.fake.tokens.get(request.param("token") or "")
    if grant:
        grant["revoked"] = True
    return {}, {}


def verify_credentials(request: Request):
    me = request.user("read:accounts")
    entity = account_json(request.fake, me)
    entity["source"] = {"privacy": "public", "sensitive": False, "language": "", "note": ""}
    return entity, {}


def lookup(request: Request):
    fake = request.fake
    if request.token:  # public, but a token given must hold the scope
        request.user("read:accounts")
    wanted = (request.param("acct") or "").removeprefix("@").lower()
    wanted = wanted.removesuffix(f"@{fake.domain}")
    for account_id, account in fake.accounts.items():
        if account["known"] and fake.acct(account_id).lower() == wanted:
            return account_json(fake, account_id), {}
    raise ApiError(404, "Record not found")


def search(request: Request):
    fake = request.fake
    request.user("read:accounts")
    query = (request.param("q") or "").removeprefix("@").lower()
    resolve = request.param("resolve") in ("1", "true")
    found = []
    for account_id, account in fake.accounts.items():
        exact = fake.acct(account_id).lower() == query
        if (account["known"] and query in fake.acct(account_id).lower()) or (resolve and exact):
            account["known"] = True
            found.append(account_id)
    return [account_json(fake, i) for i in found[: request.limit()]], {}


def show(request: Request, account_id: str):
    request.target(account_id, gone_if_suspended=False)
    return account_json(request.fake, account_id), {}


def following(request: Request, account_id: str):
    request.target(account_id)
    return _accounts_page(request, request.fake.follows, account_id)


def mutes(request: Request):
    accounts, headers = _accounts_page(request, request.fake.mutes, request.user("read:mutes"))
    return [account | {"mute_expires_at": None} for account in accounts], headers


def blocks(request: Request):
    return _accounts_page(request, request.fake.blocks, request.user("read:blocks"))


def relate(request: Request, account_id: str, action: str):
    fake = request.fake
    scope = "write:mutes" if action.endswith("mute") else "write:blocks"
    me = request.user(scope)
    request.target(account_id)
    relation = fake.mutes if action.endswith("mute") else fake.blocks
    if action.startswith("un"):
        for record_id, pair in list(relation.items()):
            if pair == (me, account_id):
                del relation[record_id]
    elif action == "mute":
        fake.mute(me, account_id)
    else:
        fake.block(me, account_id)
        for record_id, pair in list(fake.follows.items()):
            if pair in ((me, account_id), (account_id, me)):
                del fake.follows[record_id]
    return relationship_json(fake, me, account_id), {}


def notifications(request: Request):
    fake = request.fake
    me = request.user("read:notifications")
    types = request.params.get("types[]") or request.params.get("types")
    excluded = request.params.get("exclude_types[]") or []
    records = {
        i: n
        for i, n in fake.notifications.items()
        if n["owner"] == me and (not types or n["type"] in types) and n["type"] not in excluded
    }
    page, headers = _page(request, records)
    return [_notification_json(fake, i, records[i]) for i in page], headers


def _notification_json(fake, notification_id: int, notification: dict) -> dict:
    author = account_json(fake, notification["from"])
    created = notification["created_at"].isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status = {
        "id": str(notification_id + 1),
        "uri": f"{author['uri']}/statuses/{notification_id + 1}",
        "url": f"{author['url']}/{notification_id + 1}",
        "created_at": created,
        "account": author,
        "content": f"<p>@{fake.acct(notification['owner'])} hello</p>",
        "visibility": "public",
        "sensitive": False,
        "spoiler_text": "",
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "favourites_count": 0,
        "replies_count": 0,
    }
    entity = {"id": str(notification_id), "type": notification["type"], "created_at": created}
    return entity | {"account": author, "status": status}


ROUTES = [
    ("GET", re.compile(r"/api/v1/instance"), instance_v1),
    ("GET", re.compile(r"/api/v2/instance"), instance_v2),
    ("GET", re.compile(r"/\.well-known/oauth-authorization-server"), oauth_server_info),
    ("POST", re.compile(r"/api/v1/apps"), create_app),
    ("GET", re.compile(r"/oauth/authorize"), authorize),
    ("POST", re.compile(r"/oauth/token"), token),
    ("POST", re.compile(r"/oauth/revoke"), revoke),
    ("GET", re.compile(r"/api/v1/accounts/verify_credentials"), verify_credentials),
    ("GET", re.compile(r"/api/v1/accounts/lookup"), lookup),
    ("GET", re.compile(r"/api/v1/accounts/search"), search),
    ("GET", re.compile(r"/api/v1/accounts/(\d+)"), show),
    ("GET", re.compile(r"/api/v1/accounts/(\d+)/following"), following),
    ("GET", re.compile(r"/api/v1/mutes"), mutes),
    ("GET", re.compile(r"/api/v1/blocks"), blocks),
    ("POST", re.compile(r"/api/v1/accounts/(\d+)/(mute|unmute|block|unblock)"), relate),
    ("GET", re.compile(r"/api/v1/notifications"), notifications),
]
