"""The handle refresh: listed accounts are asked for by their stable id, their handles kept current.

An entry's handle is what it was called when it was added; people rename themselves, and
platforms suspend and delete accounts. The refresh asks each platform about the live and
pending entries whose last check (``Entry.handle_checked_at``) is older than the setting
``handle_refresh_hours``:

- X: ``Client.get_users(ids=...)``, 100 ids a call, with the app-only bearer token
  (``CAMPAIGNKIT_X_BEARER_TOKEN``; without one X entries are not checked);
- Mastodon: ``Mastodon.account(id)`` on the account's own server (the ``server`` of
  ``id@server``), without a token, each server through the outbound guard;
- Bluesky: ``app.bsky.actor.getProfiles`` on the public AppView, 25 DIDs a call.

A changed handle is stored (with an audit line); an account the platform says is
suspended, deleted or deactivated is marked so (``Entry.account_state``, with an audit
line) and stays on the list: maintainers decide what to do with it. An account that can be
shown again loses its mark. Each batch is stored before the next call, and the run stops a
platform's part when its rate-limit headers say the window is spent or it answers 429: what
was not checked stays due, and the caller runs again at ``retry_at``. A Mastodon account
found alive also drops what the apply job could not find of it on subscribers' own servers,
so they look again (`recheck_unknown_mastodon_ids`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, or_, select, update

from campaignkit.core import (
    OutboundRefused,
    checked_base_url,
    guarded_session,
    read_session,
    write_session,
)
from campaignkit.plugins.blocklists.entries import audit, describe
from campaignkit.plugins.blocklists.ledger import MastodonAccountId
from campaignkit.plugins.blocklists.lookup import X_TOKEN_VARIABLE, Resolvers
from campaignkit.plugins.blocklists.models import (
    ACCOUNT_STATES,
    LIVE,
    PENDING,
    PLATFORM_NAMES,
    Entry,
    now,
)
from campaignkit.plugins.blocklists.platforms.base import PlatformError, RateLimited
from campaignkit.plugins.blocklists.platforms.bluesky import PROFILES_PER_CALL, BlueskyPlatform
from campaignkit.plugins.blocklists.platforms.mastodon import MastodonPlatform
from campaignkit.plugins.blocklists.platforms.x import LOOKUP_BATCH, XPlatform
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription

#: The entries whose handles are kept current (removed ones are not shown to subscribers).
REFRESHED_STATUSES = (LIVE, PENDING)
#: Mastodon accounts asked for between two stores (one call each).
MASTODON_BATCH = 20


@dataclass
class RefreshReport:
    """What a refresh run did."""

    checked: int = 0
    renamed: int = 0
    gone: int = 0  # newly found suspended, deleted or deactivated
    waiting_reason: str = ""  # why some entries were not checked
    retry_at: float | None = None  # set when a rate limit stopped the run

    def summary(self) -> str:
        """The report in a sentence or two."""
        text = (f"{self.checked} accounts checked: {self.renamed} handles changed, "
                f"{self.gone} accounts newly found suspended or deleted.")  # fmt: skip
        return f"{text} {self.waiting_reason}".strip()


@dataclass(frozen=True)
class _Due:
    id: int
    platform: str
    account_id: str


def _due(cutoff: datetime):  # noqa: ANN202 - a SQL condition
    return and_(
        Entry.status.in_(REFRESHED_STATUSES),
        Entry.account_id.is_not(None),
        or_(Entry.handle_checked_at.is_(None), Entry.handle_checked_at < cutoff),
    )


def cutoff_for(hours: int) -> datetime:
    """Entries checked before this time are due."""
    return now() - timedelta(hours=hours)


def has_due(list_id: int, hours: int) -> bool:
    """Whether some of a list's entries wait for their handle to be refreshed."""
    with read_session() as session:
        return bool(
            session.scalar(
                select(exists().where(Entry.list_id == list_id, _due(cutoff_for(hours))))
            )
        )


def lists_due(hours: int) -> list[int]:
    """The lists with entries due for a handle refresh."""
    with read_session() as session:
        found = session.scalars(select(Entry.list_id).where(_due(cutoff_for(hours))).distinct())
        return sorted(found)


def _pace(client) -> None:  # noqa: ANN001 - any platform adapter
    """Stop before a 429 when the last answer's headers say the window is spent."""
    limit = client.last_rate_limit
    if limit is not None and limit.remaining == 0 and (limit.reset_at or 0) > time.time():
        raise RateLimited("the rate limit's window is spent", float(limit.reset_at))


def _batches(client, rows: list[_Due], size: int) -> Iterator[tuple[list[_Due], dict]]:  # noqa: ANN001
    for start in range(0, len(rows), size):
        if start:
            _pace(client)
        batch = rows[start : start + size]
        yield batch, client.accounts_by_id([row.account_id for row in batch])


def _mastodon_server(server: str, rows: list[_Due], found_by: Resolvers) -> Iterator:
    """(entries, answers by entry id) for one server's accounts, a few at a time."""
    base = checked_base_url(found_by.mastodon_url(server), found_by.insecure_servers)
    client = MastodonPlatform(base, None, timeout=found_by.timeout, server=server,
                              session=guarded_session(found_by.insecure_servers))  # fmt: skip
    for start in range(0, len(rows), MASTODON_BATCH):
        batch, answers = rows[start : start + MASTODON_BATCH], {}
        try:
            for row in batch:
                _pace(client)
                local = row.account_id.partition("@")[0]
                for value in client.accounts_by_id([local]).values():
                    answers[row.account_id] = value
        finally:  # a 429 half-way keeps what came before it
            if answers:
                yield batch, answers


def _mastodon_checks(rows: list[_Due], found_by: Resolvers, report: RefreshReport) -> Iterator:
    """(entries, answers) for Mastodon entries, one server at a time: each has its own limit."""
    servers: dict[str, list[_Due]] = {}
    for row in rows:
        servers.setdefault(row.account_id.partition("@")[2].lower(), []).append(row)
    for server, server_rows in servers.items():
        try:
            yield from _mastodon_server(server, server_rows, found_by)
        except RateLimited as limited:
            report.retry_at = max(report.retry_at or 0, limited.retry_at)
            report.waiting_reason += (f" {server}'s rate limit was reached: its other "
                                      "accounts are checked when it reopens.")  # fmt: skip
        except OutboundRefused:
            report.waiting_reason += f" {server} is not a public Mastodon server: not checked."
        except PlatformError as problem:
            report.waiting_reason += f" {server}'s accounts wait: {problem}."


def _checks(platform: str, rows: list[_Due], found_by: Resolvers, report: RefreshReport):  # noqa: ANN202
    if platform == "x":
        client = XPlatform(found_by.x_token, base_url=found_by.x_api_url, timeout=found_by.timeout)
        return _batches(client, rows, LOOKUP_BATCH)
    if platform == "bluesky":
        client = BlueskyPlatform(service=found_by.bluesky_appview, timeout=found_by.timeout)
        return _batches(client, rows, PROFILES_PER_CALL)
    return _mastodon_checks(rows, found_by, report)


def _store(batch: list[_Due], answers: dict, report: RefreshReport) -> list[str]:
    """Store what the platform said about each entry; returns Mastodon keys found alive."""
    stamp, alive = now(), []
    with write_session() as session:
        for row in batch:
            entry = session.get(Entry, row.id)
            if entry is None or entry.account_id not in answers:
                continue  # deleted meanwhile, or not answered (asked again next time)
            answer = answers[entry.account_id]
            entry.handle_checked_at = stamp
            report.checked += 1
            if isinstance(answer, str):
                if entry.account_state != answer:
                    entry.account_state = answer
                    report.gone += 1
                    audit(session, entry.list_id, "gone", None,
                          f"{describe(entry)}: the account is {ACCOUNT_STATES[answer]}",
                          entry_id=entry.id)  # fmt: skip
                continue
            if entry.account_state is not None:
                entry.account_state = None
                back = f"{describe(entry)}: the account is there again"
                audit(session, entry.list_id, "back", None, back, entry_id=entry.id)
            new_handle = answer.handle[:300]
            if new_handle and new_handle != entry.handle:
                old_handle, entry.handle = entry.handle, new_handle
                if old_handle.lower() != new_handle.lower():
                    report.renamed += 1
                    audit(session, entry.list_id, "handle", None,
                          f"{PLATFORM_NAMES[entry.platform]} {old_handle or '(no handle)'} is now "
                          f"{new_handle} [{entry.account_id}]", entry_id=entry.id)  # fmt: skip
            if entry.platform == "mastodon":
                alive.append(entry.account_id)
    return alive


def recheck_unknown_mastodon_ids(keys: list[str]) -> int:
    """Forget that these Mastodon accounts were not found on subscribers' servers.

    The apply job looks an entry up on each subscriber's own server once and keeps the
    answer (`MastodonAccountId`); a "not found" answer would otherwise be kept forever. For
    accounts the refresh found alive, those answers are dropped and the connections on
    those servers that subscribe to a list with them plan again (and look them up again).
    Returns how many answers were dropped.
    """
    if not keys:
        return 0
    with write_session() as session:
        unknown = MastodonAccountId.local_id.is_(None) & MastodonAccountId.entry_key.in_(keys)
        servers = set(session.scalars(select(MastodonAccountId.server).where(unknown)))
        if not servers:
            return 0
        dropped = session.execute(delete(MastodonAccountId).where(unknown)).rowcount
        lists = select(Entry.list_id).where(
            Entry.platform == "mastodon", Entry.account_id.in_(keys)
        )
        subscribers = select(Subscription.connection_id).where(Subscription.list_id.in_(lists))
        session.execute(
            update(Connection)
            .where(Connection.platform == "mastodon", Connection.server.in_(servers),
                   Connection.id.in_(subscribers))
            .values(planned_at=None)
        )  # fmt: skip
        return dropped


def refresh_list(list_id: int, found_by: Resolvers, *, hours: int) -> RefreshReport:
    """Check every due entry of a list on its platform; stops a platform at its rate limit."""
    report = RefreshReport()
    with read_session() as session:
        rows = [
            _Due(*row)
            for row in session.execute(
                select(Entry.id, Entry.platform, Entry.account_id)
                .where(Entry.list_id == list_id, _due(cutoff_for(hours)))
                .order_by(Entry.handle_checked_at.is_not(None), Entry.handle_checked_at, Entry.id)
            )
        ]
    for platform in ("x", "mastodon", "bluesky"):
        wanted = [row for row in rows if row.platform == platform]
        if not wanted:
            continue
        if platform == "x" and not found_by.x_token:
            report.waiting_reason += (f" X accounts are not checked: set {X_TOKEN_VARIABLE} (the X "
                                      "app's app-only bearer token) for the worker.")  # fmt: skip
            continue
        try:
            for batch, answers in _checks(platform, wanted, found_by, report):
                recheck_unknown_mastodon_ids(_store(batch, answers, report))
        except RateLimited as limited:
            report.retry_at = max(report.retry_at or 0, limited.retry_at)
            report.waiting_reason += (f" {PLATFORM_NAMES[platform]}'s rate limit was reached: "
                                      "the rest are checked when it reopens.")  # fmt: skip
        except PlatformError as problem:
            report.waiting_reason += f" {PLATFORM_NAMES[platform]} accounts wait: {problem}."
    report.waiting_reason = report.waiting_reason.strip()
    return report
