"""The endpoints of the fake X API (see fake_x.py): what each one checks and answers.

Each handler takes the fake, the authenticated user, the request's parameters (query and
body together) and the path's captured parts, and returns the JSON body of a 200 answer or
raises `ApiError`. Shapes follow X's API reference: user objects with the requested
``user.fields``, lists as ``data`` plus ``meta`` (``result_count``, ``next_token``,
``previous_token``), lookups that answer 200 with an ``errors`` array for names that are
missing or suspended, v1.1 errors as ``{"errors": [{"code", "message"}]}``.
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_x import FakeX, User

PROBLEMS = "https://api.twitter.com/2/problems/"
USERNAME = re.compile(r"[A-Za-z0-9_]{1,15}")


class ApiError(Exception):
    """An answer other than 200: status, X's problem title/detail/type and extra fields."""

    def __init__(self, status: int, title: str, detail: str, kind: str = "about:blank", **extra):
        super().__init__(detail)
        self.status, self.title, self.detail, self.kind = status, title, detail, kind
        self.extra = extra

    def body(self, v1: bool) -> dict:
        """The JSON body X sends: a v2 problem, or v1.1's ``errors`` list of code/message."""
        if v1:
            return {"errors": [{"code": self.extra.get("code", 0), "message": self.detail}]}
        answer = {"title": self.title, "detail": self.detail, "type": self.kind}
        answer["status"] = self.status
        if "errors" in self.extra:
            answer["errors"] = self.extra["errors"]
        return answer


def invalid_request(name: str, value: str, why: str) -> ApiError:
    """X's 400 for a bad parameter."""
    return ApiError(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        PROBLEMS + "invalid-request",
        errors=[{"parameters": {name: [value]}, "message": f"The `{name}` value [{value}] {why}"}],
    )


def missing(parameter: str, value: str, suspended: bool = False) -> dict:
    """One entry of a 200 answer's ``errors`` array for an account that cannot be shown."""
    return {
        "value": value,
        "detail": f"User has been suspended: [{value}]."
        if suspended
        else f"Could not find user with {parameter}: [{value}].",
        "title": "Forbidden" if suspended else "Not Found Error",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": value,
        "type": PROBLEMS + "resource-not-found",
    }


def page_token(offset: int) -> str:
    """An opaque pagination token for a list offset."""
    return base64.b32encode(f"offset:{offset}".encode()).decode().rstrip("=").lower()


def _offset(params: dict) -> int:
    token = params.get("pagination_token")
    if not token:
        return 0
    try:
        padded = token.upper() + "=" * (-len(token) % 8)
        return int(base64.b32decode(padded).decode().removeprefix("offset:"))
    except ValueError:
        raise invalid_request("pagination_token", token, "is not a valid token") from None


def _number(params: dict, name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, str(default))
    if not value.isdigit() or not low <= int(value) <= high:
        raise invalid_request(name, value, f"is not between {low} and {high}")
    return int(value)


def _page(items: list[dict], params: dict, size: int) -> dict:
    offset = _offset(params)
    chunk = items[offset : offset + size]
    meta: dict = {"result_count": len(chunk)}
    if offset + size < len(items):
        meta["next_token"] = page_token(offset + size)
    if offset:
        meta["previous_token"] = page_token(max(0, offset - size))
    return {"data": chunk, "meta": meta} if chunk else {"meta": meta}


def _fields(params: dict) -> set[str]:
    return set(params.get("user.fields", "").split(","))


def _visible(fake: FakeX, user_id: str) -> bool:
    user = fake.users.get(user_id)
    return user is not None and not user.deleted and not user.suspended


def _own(user: User, user_id: str) -> None:
    if user_id != user.id:
        raise ApiError(
            403,
            "Forbidden",
            "You are not permitted to act for another user.",
            PROBLEMS + "client-forbidden",
        )


def _target(fake: FakeX, params: dict, user_id: str | None = None) -> dict | None:
    """None if the target can be acted on; a 200 body with errors if it does not exist."""
    target_id = user_id or params.get("target_user_id", "")
    if not target_id.isdigit():
        raise invalid_request("target_user_id", target_id, "does not match ^[0-9]{1,19}$")
    target = fake.users.get(target_id)
    if target is None or target.deleted:
        return {"errors": [missing("target_user_id", target_id)]}
    if target.suspended:
        raise ApiError(403, "Forbidden", f"User has been suspended: [{target_id}].")
    return None


# ---- users ----


def get_me(fake: FakeX, user: User, params: dict) -> dict:
    """GET /2/users/me"""
    return {"data": user.as_json(_fields(params))}


def get_users(fake: FakeX, user: User, params: dict) -> dict:
    """GET /2/users?ids=1,2: found users in data, deleted and suspended ones in errors."""
    ids = [user_id for user_id in params.get("ids", "").split(",") if user_id]
    if not 1 <= len(ids) <= 100:
        raise invalid_request("ids", str(len(ids)), "must name 1 to 100 users")
    for user_id in ids:
        if not re.fullmatch(r"[0-9]{1,19}", user_id):
            raise invalid_request("ids", user_id, "does not match ^[0-9]{1,19}$")
    data, errors = [], []
    for user_id in ids:
        found = fake.users.get(user_id)
        if found is None or found.deleted:
            errors.append(missing("ids", user_id))
        elif found.suspended:
            errors.append(missing("ids", user_id, suspended=True))
        else:
            data.append(found.as_json(_fields(params)))
    return {key: value for key, value in (("data", data), ("errors", errors)) if value}


def get_by(fake: FakeX, user: User, params: dict) -> dict:
    """GET /2/users/by?usernames=a,b: found users in data, the rest in errors."""
    names = [name for name in params.get("usernames", "").split(",") if name]
    if not 1 <= len(names) <= 100:
        raise invalid_request("usernames", str(len(names)), "must name 1 to 100 users")
    for name in names:
        if not USERNAME.fullmatch(name):
            raise invalid_request("usernames", name, "does not match ^[A-Za-z0-9_]{1,15}$")
    by_name = {u.username.lower(): u for u in fake.users.values() if not u.deleted}
    data, errors = [], []
    for name in names:
        found = by_name.get(name.lower())
        if found is None:
            errors.append(missing("usernames", name))
        elif found.suspended:
            errors.append(missing("usernames", name, suspended=True))
        else:
            data.append(found.as_json(_fields(params)))
    return {key: value for key, value in (("data", data), ("errors", errors)) if value}


def get_relation(fake: FakeX, user: User, params: dict, user_id: str, relation: str) -> dict:
    """GET /2/users/:id/following, /muting or /blocking, newest first, up to 1000 a page."""
    if relation != "following":
        _own(user, user_id)
    owner = fake.users.get(user_id)
    if owner is None or owner.deleted:
        return {"errors": [missing("id", user_id)]}
    ids = [i for i in reversed(getattr(owner, relation)) if _visible(fake, i)]
    fields = _fields(params)
    size = _number(params, "max_results", 100, 1, 1000)
    return _page([fake.users[i].as_json(fields) for i in ids], params, size)


# ---- mutes ----


def post_muting(fake: FakeX, user: User, params: dict, user_id: str) -> dict:
    """POST /2/users/:id/muting {"target_user_id"}: muting twice is still muting."""
    _own(user, user_id)
    gone = _target(fake, params)
    if gone:
        return gone
    if params["target_user_id"] not in user.muting:
        user.muting.append(params["target_user_id"])
    return {"data": {"muting": True}}


def delete_muting(fake: FakeX, user: User, params: dict, user_id: str, target_id: str) -> dict:
    """DELETE /2/users/:source_user_id/muting/:target_user_id: succeeds if not muted."""
    _own(user, user_id)
    gone = _target(fake, params, target_id)
    if gone:
        return gone
    if target_id in user.muting:
        user.muting.remove(target_id)
    return {"data": {"muting": False}}


# ---- mentions ----


def get_mentions(fake: FakeX, user: User, params: dict, user_id: str) -> dict:
    """GET /2/users/:id/mentions: newest first, since_id, authors in includes.users."""
    since_id = params.get("since_id")
    if since_id is not None and not since_id.isdigit():
        raise invalid_request("since_id", since_id, "does not match ^[0-9]{1,19}$")
    size = _number(params, "max_results", 10, 5, 100)
    tweets = [
        tweet
        for tweet in reversed(fake.tweets)
        if user_id in tweet.mentions
        and _visible(fake, tweet.author_id)
        and (since_id is None or int(tweet.id) > int(since_id))
    ]
    items = [
        {"id": t.id, "text": t.text, "author_id": t.author_id, "edit_history_tweet_ids": [t.id]}
        for t in tweets
    ]
    answer = _page(items, params, size)
    chunk = answer.get("data", [])
    if chunk:
        answer["meta"].update(newest_id=chunk[0]["id"], oldest_id=chunk[-1]["id"])
        if "author_id" in params.get("expansions", ""):
            authors = dict.fromkeys(item["author_id"] for item in chunk)
            fields = _fields(params)
            answer["includes"] = {"users": [fake.users[a].as_json(fields) for a in authors]}
    return answer


# ---- v1.1 blocks ----


def post_block(fake: FakeX, user: User, params: dict, action: str) -> dict:
    """POST /1.1/blocks/create.json and destroy.json with user_id: a v1.1 user object."""
    target_id = params.get("user_id", "")
    target = fake.users.get(target_id)
    if target is None or target.deleted:
        raise ApiError(404, "Not Found", "User not found.", code=50)
    if target.suspended:
        raise ApiError(403, "Forbidden", "User has been suspended.", code=63)
    if action == "create":
        if target_id not in user.blocking:
            user.blocking.append(target_id)
        for a, b in ((user, target), (target, user)):  # a block ends follows both ways
            if b.id in a.following:
                a.following.remove(b.id)
    elif target_id in user.blocking:
        user.blocking.remove(target_id)
    return {
        "id": int(target.id),
        "id_str": target.id,
        "name": target.username.title(),
        "screen_name": target.username,
        "created_at": target.created_at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "followers_count": target.followers_count,
    }


ROUTES = [
    ("GET", re.compile(r"/2/users"), "users", get_users),
    ("GET", re.compile(r"/2/users/me"), "me", get_me),
    ("GET", re.compile(r"/2/users/by"), "by", get_by),
    ("GET", re.compile(r"/2/users/(\d+)/(following|muting|blocking)"), None, get_relation),
    ("POST", re.compile(r"/2/users/(\d+)/muting"), "muting", post_muting),
    ("DELETE", re.compile(r"/2/users/(\d+)/muting/(\d+)"), "muting", delete_muting),
    ("GET", re.compile(r"/2/users/(\d+)/mentions"), "mentions", get_mentions),
    ("POST", re.compile(r"/1\.1/blocks/(create|destroy)\.json"), None, post_block),
]


def route(method: str, path: str):
    """(endpoint name for rate limits, handler, path arguments) for a request, or None."""
    for route_method, pattern, endpoint, handler in ROUTES:
        match = pattern.fullmatch(path)
        if route_method == method and match:
            args = match.groups()
            if endpoint is None:  # the last captured part names the endpoint
                endpoint = args[-1] if handler is get_relation else f"blocks/{args[-1]}"
            return endpoint, handler, args
    return None
