"""The XRPC methods of the fake Bluesky PDS and AppView (see fake_bluesky.py).

Each `x_<nsid>` method takes the call (its params and the authenticated DID) and returns the
JSON answer the real lexicon describes, or raises XrpcError with the error name the reference
PDS or AppView answers with. Lists page newest first with an opaque `cursor`, as the real
services do; limits default to 50 and may not pass 100.
"""

from __future__ import annotations

import base64
import hashlib
import json

_WRITE_KINDS = {f"com.atproto.repo.applyWrites#{kind}" for kind in ("create", "update", "delete")}
MAX_WRITES = 200  # the reference PDS refuses a larger applyWrites


class XrpcError(Exception):
    """An error answer: HTTP status, XRPC error name, message and extra headers."""

    def __init__(self, status: int, name: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.name, self.message = status, name, message
        self.headers = headers or {}


def cid_of(value: dict) -> str:
    """A content id for a record (the right shape; not a real CBOR hash)."""
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).digest()
    return "bafyrei" + base64.b32encode(digest).decode().lower().rstrip("=")[:52]


def _page(call, keyed: list[tuple[str, object]]) -> tuple[list, str | None]:
    """Newest first: items whose key is below the cursor, at most limit of them."""
    limit = _limit(call)
    cursor = call.params.get("cursor")
    ordered = sorted(keyed, key=lambda item: item[0], reverse=True)
    if cursor:
        ordered = [item for item in ordered if item[0] < cursor]
    page = ordered[:limit]
    next_cursor = page[-1][0] if len(ordered) > limit else None
    return [item for _key, item in page], next_cursor


def _limit(call) -> int:
    try:
        limit = int(call.params.get("limit", 50))
    except (TypeError, ValueError):
        raise XrpcError(400, "InvalidRequest", "limit must be an integer") from None
    if not 1 <= limit <= 100:
        raise XrpcError(400, "InvalidRequest", "limit can not be greater than 100")
    return limit


def _required(call, name: str):
    value = call.params.get(name)
    if value in (None, "", []):
        raise XrpcError(400, "InvalidRequest", f'Input must have the property "{name}"')
    return value


class XrpcMethods:
    """The methods; mixed into FakeBluesky, whose state (accounts, repos...) they use."""

    # ---- repo storage ----

    def put_record(self, did: str, collection: str, value: dict, rkey: str | None = None):
        """Store a record in a repo; returns its at:// uri and cid."""
        rkey = rkey or self.tid()
        collection_records = self.repos.setdefault(did, {}).setdefault(collection, {})
        if rkey in collection_records:
            raise XrpcError(400, "InvalidRequest", f"Record already exists: {rkey}")
        collection_records[rkey] = value
        return f"at://{did}/{collection}/{rkey}", cid_of(value)

    def _repo(self, repo: str) -> str:
        """The DID of the repo a handle or DID names."""
        for account in self.accounts.values():
            if repo in (account.did, account.handle):
                return account.did
        raise XrpcError(400, "RepoNotFound", f"Could not find repo: {repo}")

    def _own_repo(self, call) -> str:
        did = self._repo(_required(call, "repo"))
        if did != call.did:
            raise XrpcError(400, "InvalidRequest", "Can not write to a repo you do not own")
        return did

    def _actor(self, actor: str):
        """The account a handle or DID names; errors as getProfile answers them."""
        for account in self.accounts.values():
            if actor in (account.did, account.handle):
                if account.status == "takendown":
                    raise XrpcError(400, "AccountTakedown", "Account has been suspended")
                if account.status == "deactivated":
                    raise XrpcError(400, "AccountDeactivated", "Account is deactivated")
                return account
        raise XrpcError(400, "InvalidRequest", "Profile not found")

    def _profile(self, did: str, detailed: bool = False) -> dict:
        account = self.accounts.get(did)
        handle = account.handle if account else "handle.invalid"
        view = {"did": did, "handle": handle, "displayName": handle.split(".")[0]}
        if account:
            view["createdAt"] = view["indexedAt"] = account.created_at
        if detailed and account:
            view.update(followersCount=account.followers, followsCount=0, postsCount=0)
        return view

    def _visible(self, did: str) -> bool:
        account = self.accounts.get(did)
        return account is None or account.status is None

    # ---- com.atproto.server ----

    def x_com_atproto_server_createSession(self, call, token):
        identifier = str(_required(call, "identifier")).lower()
        password = _required(call, "password")
        for account in self.accounts.values():
            if identifier in (account.did, account.handle) and password == account.password:
                if account.status == "takendown":
                    raise XrpcError(401, "AccountTakedown", "Account has been taken down")
                return self.issue_session(account)
        raise XrpcError(401, "AuthenticationRequired", "Invalid identifier or password")

    def x_com_atproto_server_refreshSession(self, call, token):
        return self.rotate_session(token)

    def x_com_atproto_server_getSession(self, call, token):
        account = self.accounts[call.did]
        return {"handle": account.handle, "did": account.did, "active": True}

    # ---- com.atproto.identity ----

    def x_com_atproto_identity_resolveHandle(self, call, token):
        handle = str(_required(call, "handle")).lower()
        for account in self.accounts.values():
            if account.handle == handle:
                return {"did": account.did}
        raise XrpcError(400, "InvalidRequest", "Unable to resolve handle")

    # ---- com.atproto.repo ----

    def x_com_atproto_repo_createRecord(self, call, token):
        did = self._own_repo(call)
        collection, record = _required(call, "collection"), _required(call, "record")
        if not isinstance(record, dict) or record.get("$type") != collection:
            raise XrpcError(400, "InvalidRequest", "Invalid $type: must match collection")
        uri, cid = self.put_record(did, collection, record, call.params.get("rkey"))
        return {"uri": uri, "cid": cid, "validationStatus": "valid"}

    def x_com_atproto_repo_deleteRecord(self, call, token):
        did = self._own_repo(call)
        collection, rkey = _required(call, "collection"), _required(call, "rkey")
        self.repos[did].get(collection, {}).pop(rkey, None)
        return {}

    def x_com_atproto_repo_getRecord(self, call, token):
        did = self._repo(_required(call, "repo"))
        collection, rkey = _required(call, "collection"), _required(call, "rkey")
        value = self.repos[did].get(collection, {}).get(rkey)
        if value is None:
            raise XrpcError(400, "RecordNotFound", f"Could not locate record: {rkey}")
        return {"uri": f"at://{did}/{collection}/{rkey}", "cid": cid_of(value), "value": value}

    def x_com_atproto_repo_listRecords(self, call, token):
        did = self._repo(_required(call, "repo"))
        collection = _required(call, "collection")
        stored = self.repos[did].get(collection, {})
        keyed = [
            (rkey, {"uri": f"at://{did}/{collection}/{rkey}", "cid": cid_of(v), "value": v})
            for rkey, v in stored.items()
        ]
        if str(call.params.get("reverse", "")).lower() == "true":
            raise XrpcError(400, "InvalidRequest", "reverse is not supported by this fake")
        records, cursor = _page(call, keyed)
        return {"records": records, **({"cursor": cursor} if cursor else {})}

    def x_com_atproto_repo_applyWrites(self, call, token):
        did = self._own_repo(call)
        writes = _required(call, "writes")
        if not isinstance(writes, list) or len(writes) > MAX_WRITES:
            raise XrpcError(400, "InvalidRequest", f"Too many writes. Max: {MAX_WRITES}")
        for write in writes:  # check all before doing any: the commit is atomic
            kind, value = write.get("$type"), write.get("value", {})
            if kind == "com.atproto.repo.applyWrites#create" and (
                not isinstance(value, dict) or value.get("$type") != write.get("collection")
            ):
                raise XrpcError(400, "InvalidRequest", "Invalid $type: must match collection")
            if kind not in _WRITE_KINDS:
                raise XrpcError(400, "InvalidRequest", f"Invalid write type: {kind}")
        results = []
        for write in writes:
            collection = write["collection"]
            if write["$type"].endswith("#delete"):
                self.repos[did].get(collection, {}).pop(write["rkey"], None)
                results.append({"$type": "com.atproto.repo.applyWrites#deleteResult"})
            elif write["$type"].endswith("#update"):
                self.repos[did].setdefault(collection, {})[write["rkey"]] = write["value"]
                uri, cid = f"at://{did}/{collection}/{write['rkey']}", cid_of(write["value"])
                results.append(
                    {"$type": "com.atproto.repo.applyWrites#updateResult", "uri": uri, "cid": cid}
                )
            else:
                uri, cid = self.put_record(did, collection, write["value"], write.get("rkey"))
                results.append(
                    {"$type": "com.atproto.repo.applyWrites#createResult", "uri": uri, "cid": cid}
                )
        return {"results": results}

    # ---- app.bsky.actor ----

    def x_app_bsky_actor_getProfile(self, call, token):
        return self._profile(self._actor(_required(call, "actor")).did, detailed=True)

    def x_app_bsky_actor_getProfiles(self, call, token):
        actors = _required(call, "actors")
        if len(actors) > 25:
            raise XrpcError(400, "InvalidRequest", "actors can not be greater than 25")
        profiles = []
        for actor in actors:
            try:
                profiles.append(self._profile(self._actor(actor.lower()).did, detailed=True))
            except XrpcError:
                continue  # the AppView leaves out what it cannot show
        return {"profiles": profiles}

    # ---- app.bsky.graph ----

    def x_app_bsky_graph_getFollows(self, call, token):
        did = self._actor(_required(call, "actor")).did
        keyed = [
            (rkey, self._profile(value["subject"]))
            for rkey, value in self.records(did, "app.bsky.graph.follow").items()
            if self._visible(value["subject"])
        ]
        follows, cursor = _page(call, keyed)
        return {"subject": self._profile(did), "follows": follows, **_cursor(cursor)}

    def x_app_bsky_graph_getMutes(self, call, token):
        muted = self.mutes.get(call.did, {})
        keyed = [(key, self._profile(did)) for did, key in muted.items() if self._visible(did)]
        mutes, cursor = _page(call, keyed)
        return {"mutes": mutes, **_cursor(cursor)}

    def x_app_bsky_graph_muteActor(self, call, token):
        subject = self._subject(call)
        self.mutes.setdefault(call.did, {}).setdefault(subject, self.tid())
        return {}

    def x_app_bsky_graph_unmuteActor(self, call, token):
        subject = self._subject(call)
        self.mutes.get(call.did, {}).pop(subject, None)
        return {}

    def _subject(self, call) -> str:
        actor = _required(call, "actor")
        try:
            subject = self._actor(actor).did
        except XrpcError as error:
            if error.name == "InvalidRequest":
                raise XrpcError(400, "InvalidRequest", f"Actor not found: {actor}") from None
            raise
        if subject == call.did:
            raise XrpcError(400, "InvalidRequest", "Cannot mute oneself")
        return subject

    def x_app_bsky_graph_getList(self, call, token):
        uri = _required(call, "list")
        did, _, rest = uri.removeprefix("at://").partition("/")
        collection, _, rkey = rest.partition("/")
        value = (
            self.records(did, collection).get(rkey) if collection == "app.bsky.graph.list" else None
        )
        if value is None:
            raise XrpcError(400, "InvalidRequest", "List not found")
        keyed = [
            (
                key,
                {
                    "uri": f"at://{did}/app.bsky.graph.listitem/{key}",
                    "subject": self._profile(item["subject"]),
                },
            )
            for key, item in self.records(did, "app.bsky.graph.listitem").items()
            if item.get("list") == uri and self._visible(item["subject"])
        ]
        items, cursor = _page(call, keyed)
        view = {
            "uri": uri,
            "cid": cid_of(value),
            "creator": self._profile(did),
            "name": value["name"],
            "purpose": value["purpose"],
            "description": value.get("description", ""),
            "listItemCount": len(keyed),
            "indexedAt": value["createdAt"],
        }
        return {"list": view, "items": items, **_cursor(cursor)}

    # ---- app.bsky.notification ----

    def x_app_bsky_notification_listNotifications(self, call, token):
        reasons = call.params.get("reasons") or []
        keyed = [
            (
                n["key"],
                {k: v for k, v in n.items() if k != "key"} | {"author": self._profile(n["author"])},
            )
            for n in self.notifications.get(call.did, [])
            if not reasons or n["reason"] in reasons
        ]
        notifications, cursor = _page(call, keyed)
        return {"notifications": notifications, **_cursor(cursor)}


def _cursor(cursor: str | None) -> dict:
    return {"cursor": cursor} if cursor else {}
