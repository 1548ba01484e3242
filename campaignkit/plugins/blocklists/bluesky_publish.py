"""A list as a Bluesky moderation list, and a Bluesky moderation list as a source of entries.

Publishing signs in as the group's own account (setting ``bluesky_publisher_handle``, its
app password in ``CAMPAIGNKIT_BLUESKY_APP_PASSWORD``, at ``bluesky_service``). The first
time it creates the moderation list and stores its at:// URI on the list at once; every
later run syncs that list so it holds exactly the list's live Bluesky entries. A rate limit
part way leaves the items written so far; running again carries on.

Importing reads any account's moderation list (an at:// URI or a bsky.app list address)
through the public AppView (``bluesky_appview``) and puts its DIDs on a list like an import
of ids: live at once, or pending when a second maintainer must approve.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from campaignkit.core import write_session
from campaignkit.plugins.blocklists.accounts import ACCOUNT_IDS
from campaignkit.plugins.blocklists.entries import audit, first_status
from campaignkit.plugins.blocklists.imports import _store_batch
from campaignkit.plugins.blocklists.models import LIVE, BlockList, Entry
from campaignkit.plugins.blocklists.platforms.base import PlatformError, RateLimited
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform

PASSWORD_VARIABLE = "CAMPAIGNKIT_BLUESKY_APP_PASSWORD"  # noqa: S105 - a variable name
LIST_URI = re.compile(r"at://(did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.graph\.list/([A-Za-z0-9]+)")
LIST_LINK = re.compile(r"https://bsky\.app/profile/([^/?#\s]+)/lists/([A-Za-z0-9]+)/?")
BATCH = 2000


class BlueskyRefused(ValueError):
    """Publishing or importing cannot start or did not finish; the message says why."""


@dataclass
class Published:
    """What a publish run did."""

    uri: str
    added: int
    removed: int

    @property
    def link(self) -> str:
        """The list's page on bsky.app."""
        did, _, rkey = self.uri.removeprefix("at://").partition("/app.bsky.graph.list/")
        return f"https://bsky.app/profile/{did}/lists/{rkey}"

    def summary(self) -> str:
        """The outcome in a sentence, with the link."""
        return (f"Bluesky moderation list in step: {self.added} added, {self.removed} removed. "
                f"{self.link}")  # fmt: skip


def _list(slug: str) -> BlockList:
    with write_session() as session:
        found = session.scalars(select(BlockList).where(BlockList.slug == slug)).first()
        if found is None:
            raise BlueskyRefused(f"There is no list called {slug!r}.")
        session.expunge(found)
    return found


def publish(slug: str, settings, environ=None) -> Published:  # noqa: ANN001 - plugin settings
    """Publish (first time) or sync (later) a list's live Bluesky entries; raises BlueskyRefused."""
    environ = os.environ if environ is None else environ
    block_list = _list(slug)
    password = environ.get(PASSWORD_VARIABLE, "").strip()
    if not settings.bluesky_publisher_handle or not password:
        raise BlueskyRefused(
            "Set bluesky_publisher_handle in [plugins.blocklists] and the account's app "
            f"password in {PASSWORD_VARIABLE} to publish lists on Bluesky."
        )
    with write_session() as session:
        dids = list(
            session.scalars(
                select(Entry.account_id)
                .where(Entry.list_id == block_list.id, Entry.platform == "bluesky")
                .where(Entry.status == LIVE)
                .order_by(Entry.id)
            )
        )
    try:
        account = BlueskyPlatform.connect(
            settings.bluesky_publisher_handle, password, service=settings.bluesky_service
        )
        uri = block_list.bluesky_list_uri
        if not uri or not uri.startswith(f"at://{account.did}/"):
            description = block_list.purpose or f"Shared blocklist {block_list.title}"
            uri = account.create_modlist(block_list.title, description)
            with write_session() as session:
                session.get(BlockList, block_list.id).bluesky_list_uri = uri
                audit(session, block_list.id, "publish", None, f"Published on Bluesky: {uri}")
        added, removed = account.sync_modlist(uri, dids)
    except RateLimited as limited:
        raise BlueskyRefused(
            f"Bluesky's write limit was reached part way: run it again later ({limited})."
        ) from limited
    except PlatformError as problem:
        raise BlueskyRefused(f"Bluesky refused: {problem}") from problem
    return Published(uri, added, removed)


def _entry_count(list_id: int) -> int:
    with write_session() as session:
        return session.scalar(select(func.count()).where(Entry.list_id == list_id))


def list_uri_of(text: str, appview: BlueskyPlatform) -> str:
    """The at:// URI of a list given as an at:// URI or a bsky.app address."""
    text = text.strip()
    if LIST_URI.fullmatch(text):
        return text
    link = LIST_LINK.fullmatch(text)
    if link is None:
        raise BlueskyRefused(
            "Give the list's at:// URI or its bsky.app address "
            "(https://bsky.app/profile/NAME/lists/ID)."
        )
    actor, rkey = link.groups()
    if not actor.startswith("did:"):
        found = appview.lookup_handles([actor]).get(actor)
        if found is None:
            raise BlueskyRefused(f"There is no Bluesky account {actor!r}.")
        actor = found.account_id
    return f"at://{actor}/app.bsky.graph.list/{rkey}"


def import_modlist(
    slug: str,
    source: str,
    settings,  # noqa: ANN001 - the plugin's settings
    *,
    actor_id: int | None = None,
    progress: Callable[[int, int | None, str], None] = lambda *_: None,
) -> str:
    """Put the accounts of a Bluesky moderation list on a list; returns what it did."""
    block_list = _list(slug)
    appview = BlueskyPlatform(service=settings.bluesky_appview)
    try:
        uri = list_uri_of(source, appview)
        progress(0, None, "Reading the Bluesky list")
        dids = [d for d in appview.read_modlist(uri) if ACCOUNT_IDS["bluesky"].fullmatch(d)]
    except PlatformError as problem:
        raise BlueskyRefused(f"The Bluesky list could not be read: {problem}") from problem
    before = _entry_count(block_list.id)
    status = first_status(settings.require_second_approval)
    evidence = f"On the Bluesky moderation list {uri}"[:2000]
    for start in range(0, len(dids), BATCH):
        batch = [{"platform": "bluesky", "account_id": did, "handle": "", "reason": "other",
                  "evidence": evidence} for did in dids[start : start + BATCH]]  # fmt: skip
        _store_batch(block_list.id, batch, status, actor_id)
        done = min(start + BATCH, len(dids))
        progress(done, len(dids), f"Stored {done} of {len(dids)} accounts")
    added = _entry_count(block_list.id) - before
    summary = (f"Read {len(dids)} accounts from the Bluesky list {uri}: {added} added, "
               f"{len(dids) - added} already on the list or removed earlier.")  # fmt: skip
    with write_session() as session:
        audit(session, block_list.id, "import", actor_id, summary)
    progress(len(dids), len(dids), summary)
    return summary
