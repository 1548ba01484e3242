"""Changing a list's entries, each change written to the list's audit log in the same transaction.

Adding puts an entry live at once, or leaves it pending when the instance
requires a second maintainer's approval; approving then needs a maintainer
other than the one who added it. Rejecting and removing take an entry off the
list (status ``removed``); adding a removed account again puts it back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaignkit.plugins.blocklists.accounts import EntryError
from campaignkit.plugins.blocklists.apply_queue import list_changed
from campaignkit.plugins.blocklists.models import (
    LIVE,
    LOOKUP,
    PENDING,
    PLATFORM_NAMES,
    REMOVED,
    STATUS_NAMES,
    AuditEvent,
    BlockList,
    Entry,
    now,
)

#: Each action in the past tense, for messages.
DONE = {"approve": "approved", "reject": "rejected", "remove": "removed"}
#: What each organiser action may change: action -> (states it applies to, state it leaves).
ACTIONS = {
    "approve": ((PENDING,), LIVE),
    "reject": ((PENDING, LOOKUP), REMOVED),
    "remove": ((LIVE, PENDING, LOOKUP), REMOVED),
}


def audit(
    session: Session,
    list_id: int,
    action: str,
    actor_id: int | None,
    detail: str,
    *,
    entry_id: int | None = None,
    appeal_id: int | None = None,
) -> None:
    """Append one line to a list's audit log (committed with the change it records)."""
    session.add(
        AuditEvent(
            list_id=list_id,
            entry_id=entry_id,
            appeal_id=appeal_id,
            action=action,
            actor_id=actor_id,
            detail=detail[:4000],
            at=now(),
        )  # fmt: skip
    )


def describe(entry: Entry) -> str:
    """An entry in words for the audit log: platform, handle and id."""
    who = " ".join(part for part in (entry.handle, f"[{entry.account_id}]" if entry.account_id
                                     else "") if part)  # fmt: skip
    return f"{PLATFORM_NAMES[entry.platform]} {who} ({entry.reason})"


def first_status(require_second_approval: bool) -> str:
    """The status a new entry with a known id starts in."""
    return PENDING if require_second_approval else LIVE


def add_entry(
    session: Session,
    block_list: BlockList,
    values: dict,
    actor_id: int | None,
    require_second_approval: bool,
) -> Entry:
    """Add one account (``values``: platform, account_id or None, handle, reason, evidence).

    Raises EntryError when the account is already on the list (and not removed).
    """
    if values.get("account_id"):
        match = Entry.account_id == values["account_id"]
    else:
        match = Entry.account_id.is_(None) & (func.lower(Entry.handle) == values["handle"].lower())
    existing = session.scalars(
        select(Entry).where(
            Entry.list_id == block_list.id, Entry.platform == values["platform"], match
        )
    ).first()
    if existing is not None and existing.status != REMOVED:
        raise EntryError("That account is already on this list.")
    status = first_status(require_second_approval) if values.get("account_id") else LOOKUP
    stamp = now()
    entry = existing or Entry(list_id=block_list.id)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.status, entry.added_by, entry.added_at, entry.changed_at = status, actor_id, stamp, stamp
    entry.approved_by = actor_id if status == LIVE else None
    session.add(entry)
    session.flush()
    audit(session, block_list.id, "add", actor_id, describe(entry), entry_id=entry.id)
    if status == LIVE:
        list_changed(session, block_list.id)
    return entry


def change_status(
    session: Session, entry: Entry, action: str, actor_id: int | None, require_second: bool
) -> None:
    """Approve, reject or remove an entry; raises EntryError when the action does not apply."""
    if action not in ACTIONS:
        raise EntryError("Choose approve, reject or remove.")
    allowed, new_status = ACTIONS[action]
    if entry.status not in allowed:
        raise EntryError(
            f"This entry is {STATUS_NAMES[entry.status]}: it cannot be {DONE[action]}."
        )
    if action == "approve" and require_second and entry.added_by == actor_id:
        raise EntryError("A different maintainer must approve an entry you added.")
    if LIVE in (entry.status, new_status):
        list_changed(session, entry.list_id)  # subscribers' queues get it once committed
    entry.status, entry.changed_at = new_status, now()
    if action == "approve":
        entry.approved_by = actor_id
    audit(session, entry.list_id, action, actor_id, describe(entry), entry_id=entry.id)


def reason_counts(session: Session, list_id: int) -> dict[str, int]:
    """How many live entries the list has for each reason."""
    rows = session.execute(
        select(Entry.reason, func.count())
        .where(Entry.list_id == list_id, Entry.status == LIVE)
        .group_by(Entry.reason)
    )
    return dict(rows.all())
