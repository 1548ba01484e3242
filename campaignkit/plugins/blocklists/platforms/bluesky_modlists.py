"""Bluesky moderation lists: publish a blocklist from a group's account, keep it in step.

A moderation list is an `app.bsky.graph.list` record with purpose `app.bsky.graph.defs#modlist`
in the publishing account's repository, and one `app.bsky.graph.listitem` record per listed
DID. Anyone can subscribe to it in their Bluesky app to mute or block everyone on it. Items
are written with `com.atproto.repo.applyWrites`, up to 200 writes a call (the PDS's maximum);
each created record costs 3 of the account's write points and each deleted one 1 (5,000 an
hour, 35,000 a day), so a long list may stop with `RateLimited` part way: calling
`sync_modlist` again later carries on, because it starts from what the repository holds.

Mixed into `BlueskyPlatform` (bluesky.py), whose `_call`, `_pages` and `_own_records` it uses.
"""

from __future__ import annotations

from datetime import UTC, datetime

LIST_COLLECTION = "app.bsky.graph.list"
ITEM_COLLECTION = "app.bsky.graph.listitem"
MODLIST = "app.bsky.graph.defs#modlist"
WRITES_PER_CALL = 200


class ModerationLists:
    """The moderation-list calls of a connected Bluesky account."""

    def create_modlist(self, name: str, description: str) -> str:
        """Create an empty moderation list in the account's repository; returns its at:// URI."""
        record = {
            "$type": LIST_COLLECTION,
            "purpose": MODLIST,
            "name": name[:64],
            "description": description[:3000],
            "createdAt": _now(),
        }
        created = self._call(
            self._client.com.atproto.repo.create_record,
            {"repo": self.did, "collection": LIST_COLLECTION, "record": record},
        )
        return created.uri

    def publish_modlist(self, name: str, description: str, dids: list[str]) -> str:
        """Create a moderation list holding these DIDs; returns its at:// URI.

        Store the URI as soon as it is returned; if the items stop part way (a 429), call
        `sync_modlist` with it later rather than publishing a second list.
        """
        list_uri = self.create_modlist(name, description)
        self.sync_modlist(list_uri, dids)
        return list_uri

    def sync_modlist(self, list_uri: str, dids: list[str]) -> tuple[int, int]:
        """Make the list hold exactly these DIDs, once each; returns (added, removed)."""
        from atproto_client import models  # the SDK is slow to import: only when needed

        if not list_uri.startswith(f"at://{self.did}/{LIST_COLLECTION}/"):
            raise ValueError("Only a list in the connected account's own repository can change.")
        held: dict[str, list[str]] = {}
        for rkey, value in self._own_records(ITEM_COLLECTION):
            if value.get("list") == list_uri:
                held.setdefault(value["subject"], []).append(rkey)
        wanted = list(dict.fromkeys(dids))
        writes: list = [
            models.ComAtprotoRepoApplyWrites.Create(
                collection=ITEM_COLLECTION,
                value={
                    "$type": ITEM_COLLECTION,
                    "subject": did,
                    "list": list_uri,
                    "createdAt": _now(),
                },
            )
            for did in wanted
            if did not in held
        ]
        added = len(writes)
        keep = set(wanted)
        for did, rkeys in held.items():
            extra = rkeys if did not in keep else rkeys[1:]  # a duplicate item goes too
            writes += [
                models.ComAtprotoRepoApplyWrites.Delete(collection=ITEM_COLLECTION, rkey=rkey)
                for rkey in extra
            ]
        for start in range(0, len(writes), WRITES_PER_CALL):
            batch = writes[start : start + WRITES_PER_CALL]
            self._call(
                self._client.com.atproto.repo.apply_writes,
                models.ComAtprotoRepoApplyWrites.Data(repo=self.did, writes=batch),
            )
        return added, len(writes) - added

    def read_modlist(self, list_uri: str) -> list[str]:
        """The DIDs on any account's list (for imports), in the order the AppView gives them."""
        dids: dict[str, None] = {}
        for page in self._pages(self._client.app.bsky.graph.get_list, {"list": list_uri}):
            dids.update((item.subject.did, None) for item in page.items)
        return list(dids)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
