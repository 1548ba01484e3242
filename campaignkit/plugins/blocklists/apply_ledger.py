"""Reading and writing the apply job's ledger: the record, the plan's steps, the wanted lists.

The planner works on plain values (`planner.AppliedRecord`, `planner.Subscription`); this
module turns the ledger's rows into those values and back. Targets are the ids the
connected account's platform uses (for Mastodon, found by `resolve_targets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaignkit.plugins.blocklists import planner
from campaignkit.plugins.blocklists.ledger import (
    PENDING,
    AppliedAction,
    HandsOff,
    MastodonAccountId,
    Step,
)
from campaignkit.plugins.blocklists.models import LIVE, AutoTarget, Entry
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription


def utcnow() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


def _split(text: str) -> frozenset[str]:
    return frozenset(part for part in text.split(",") if part)


def _join(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


def load_record(session: Session, connection_id: int) -> planner.AppliedRecord:
    """Our record for one connection, as the planner reads it."""
    applied = session.scalars(
        select(AppliedAction).where(AppliedAction.connection_id == connection_id)
    )
    targets = {
        row.target_id: planner.AppliedTarget(_split(row.actions), _split(row.lists))
        for row in applied
    }
    hands_off = session.scalars(
        select(HandsOff.target_id).where(HandsOff.connection_id == connection_id)
    )
    return planner.AppliedRecord(targets, frozenset(hands_off))


def store_record(session: Session, connection_id: int, record: planner.AppliedRecord) -> None:
    """Make the stored record equal `record` (rows added, changed or deleted as needed)."""
    stamp = utcnow()
    rows = {
        row.target_id: row
        for row in session.scalars(
            select(AppliedAction).where(AppliedAction.connection_id == connection_id)
        )
    }
    for target, row in rows.items():
        if target not in record.targets:
            session.delete(row)
    for target, entry in record.targets.items():
        store_target(session, connection_id, target, entry, rows.get(target), stamp)
    known = set(
        session.scalars(select(HandsOff.target_id).where(HandsOff.connection_id == connection_id))
    )
    for target in record.hands_off - known:
        session.add(HandsOff(connection_id=connection_id, target_id=target, at=stamp))


def store_target(  # noqa: PLR0913 - one row's key, value and the row if already loaded
    session: Session,
    connection_id: int,
    target: str,
    entry: planner.AppliedTarget | None,
    row: AppliedAction | None = None,
    stamp: datetime | None = None,
) -> None:
    """Store one target's record entry (None: nothing of ours left on it)."""
    if row is None:
        row = session.get(AppliedAction, (connection_id, target))
    if entry is None:
        if row is not None:
            session.delete(row)
        return
    actions, lists = _join(entry.actions), _join(entry.lists)
    if row is None:
        row = AppliedAction(connection_id=connection_id, target_id=target)
        session.add(row)
    elif row.actions == actions and row.lists == lists:
        return
    row.actions, row.lists, row.changed_at = actions, lists, stamp or utcnow()


def subscriptions_of(session: Session, connection_id: int) -> list[planner.Subscription]:
    """The connection's subscriptions, as the planner reads them."""
    found = session.scalars(select(Subscription).where(Subscription.connection_id == connection_id))
    return [planner.Subscription(str(s.list_id), s.action, s.mode) for s in found]


def auto_targets(session: Session, connection_id: int) -> dict[str, str]:
    """The accounts the auto rules want muted on this connection: target id -> handle."""
    rows = session.execute(
        select(AutoTarget.target_id, AutoTarget.handle).where(
            AutoTarget.connection_id == connection_id
        )
    )
    return {target: handle for target, handle in rows}


def live_entries(
    session: Session, connection: Connection, list_ids: Iterable[str]
) -> dict[str, list[tuple[str, str]]]:
    """Per subscribed list: (account id, handle) of each live entry on this platform."""
    wanted = {list_id: [] for list_id in list_ids}
    if not wanted:
        return wanted
    rows = session.execute(
        select(Entry.list_id, Entry.account_id, Entry.handle).where(
            Entry.list_id.in_([int(i) for i in wanted]),
            Entry.platform == connection.platform,
            Entry.status == LIVE,
            Entry.account_id.is_not(None),
        )
    )
    for list_id, account_id, handle in rows:
        wanted[str(list_id)].append((account_id, handle))
    return wanted


def resolve_targets(
    session: Session,
    connection: Connection,
    entries: dict[str, list[tuple[str, str]]],
    lookup: Callable[[list[str]], dict],
) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Entries as the connected platform's target ids, and each target's handle for the log.

    X user ids and Bluesky DIDs are used as they are. A Mastodon entry (``id@home``) is
    looked up by handle on the subscriber's own server once (`lookup`: the adapter's
    ``lookup_handles``), and the answer, found or not, kept in `MastodonAccountId`.
    """
    local = {}
    if connection.platform == "mastodon":
        local = _mastodon_ids(session, connection.server, entries, lookup)
    targets: dict[str, frozenset[str]] = {}
    handles: dict[str, str] = {}
    for list_id, rows in entries.items():
        ids = set()
        for account_id, handle in rows:
            target = local.get(account_id) if connection.platform == "mastodon" else account_id
            if target:
                ids.add(target)
                handles.setdefault(target, handle)
        targets[list_id] = frozenset(ids)
    return targets, handles


def _mastodon_ids(session, server, entries, lookup) -> dict[str, str | None]:  # noqa: ANN001
    keys = {account_id: handle for rows in entries.values() for account_id, handle in rows}
    known = {
        row.entry_key: row.local_id
        for row in session.scalars(
            select(MastodonAccountId).where(MastodonAccountId.server == server)
        )
        if row.entry_key in keys
    }
    missing = [key for key in keys if key not in known]
    if missing:
        found = lookup([keys[key] for key in missing if keys[key]])
        stamp = utcnow()
        for key in missing:
            account = found.get(keys[key])
            local_id = account.account_id if account is not None else None
            known[key] = local_id
            session.add(
                MastodonAccountId(server=server, entry_key=key, local_id=local_id, checked_at=stamp)
            )
    return known


def replace_steps(
    session: Session, connection_id: int, steps: Iterable[planner.Step], handles: dict[str, str]
) -> int:
    """Drop the pending steps of an older plan and store this plan's; returns how many."""
    session.execute(delete(Step).where(Step.connection_id == connection_id, Step.state == PENDING))
    stamp, count = utcnow(), 0
    for step in steps:
        session.add(
            Step(
                connection_id=connection_id,
                verb=step.verb,
                action=step.action,
                target_id=step.target,
                target_handle=handles.get(step.target, "")[:300],
                reason=step.reason,
                lists=_join(step.lists),
                state=PENDING,
                attempts=0,
                note="",
                created_at=stamp,
            )  # fmt: skip
        )
        count += 1
    return count


def as_planner_step(row: Step) -> planner.Step:
    """A stored step as the planner's value."""
    return planner.Step(row.verb, row.action, row.target_id, row.reason, _split(row.lists))
