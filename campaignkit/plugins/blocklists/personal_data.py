"""The plugin's part of personal-data export, erasure and purging.

Three kinds of people are in the plugin's tables: people who appealed (by their
email), maintainers (by their account, as who added, approved or decided) and
supporters who connected their own accounts (connections, subscriptions: by their
account). A supporter's export lists their connections and subscriptions but never
their tokens; erasure deletes the connections, their tokens and subscriptions (the
mutes and blocks already made stay on the supporter's own platform account).
Listed accounts are personal data too, but they are found by platform id, not
by email, so they are kept to the retention period: ``purge`` deletes entries
removed (or rejected) before it, appeals decided before it, and the audit lines
about both. Live entries stay until a maintainer removes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update

from campaignkit.plugins.blocklists.models import (
    OPEN,
    REMOVED,
    Appeal,
    AuditEvent,
    BlockList,
    Entry,
)
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription


def export(subject, session) -> dict | None:  # noqa: ANN001
    """The subject's appeals (by email) and the entries they added as a maintainer."""
    appeals = session.execute(
        select(Appeal, BlockList.slug)
        .join(BlockList, BlockList.id == Appeal.list_id)
        .where(Appeal.email == subject.email)
        .order_by(Appeal.id)
    )
    data = {
        "appeals": [
            {
                "list": slug,
                "platform": a.platform,
                "handle": a.handle,
                "message": a.message,
                "email": a.email,
                "status": a.status,
                "decision": a.decision,
                "sent_at": a.created_at,
                "decided_at": a.decided_at,
            }  # fmt: skip
            for a, slug in appeals
        ],
        "entries_added": [],
    }
    if subject.user_id is not None:
        added = session.execute(
            select(Entry, BlockList.slug)
            .join(BlockList, BlockList.id == Entry.list_id)
            .where(Entry.added_by == subject.user_id)
            .order_by(Entry.id)
        )
        data["entries_added"] = [
            {
                "list": slug,
                "platform": e.platform,
                "account_id": e.account_id,
                "handle": e.handle,
                "reason": e.reason,
                "evidence": e.evidence,
                "status": e.status,
                "added_at": e.added_at,
            }  # fmt: skip
            for e, slug in added
        ]
        data.update(connected_accounts(subject.user_id, session))
    return data


def connected_accounts(user_id: int, session) -> dict:  # noqa: ANN001
    """A supporter's connections (platform, handle, created) and subscriptions; no tokens."""
    connections = list(
        session.scalars(
            select(Connection).where(Connection.user_id == user_id).order_by(Connection.id)
        )
    )
    subscriptions = session.execute(
        select(Subscription, BlockList.slug)
        .join(BlockList, BlockList.id == Subscription.list_id)
        .where(Subscription.connection_id.in_([c.id for c in connections]))
        .order_by(Subscription.id)
    )  # fmt: skip
    by_id = {c.id: c for c in connections}
    return {
        "connected_accounts": [
            {
                "platform": c.platform,
                "account_id": c.account_id,
                "handle": c.handle,
                "server": c.server,
                "status": c.status,
                "auto_rules": c.auto_rules,
                "connected_at": c.created_at,
            }  # fmt: skip
            for c in connections
        ],
        "subscriptions": [
            {
                "list": slug,
                "platform": by_id[s.connection_id].platform,
                "account": by_id[s.connection_id].handle,
                "action": s.action,
                "mode": s.mode,
                "subscribed_at": s.created_at,
            }  # fmt: skip
            for s, slug in subscriptions
        ],
    }


def erase(subject, session) -> int:  # noqa: ANN001
    """Delete the subject's appeals and take their name off what they did as a maintainer."""
    appeals = list(session.scalars(select(Appeal.id).where(Appeal.email == subject.email)))
    count = len(appeals)
    if appeals:
        session.execute(delete(Appeal).where(Appeal.id.in_(appeals)))
        session.execute(
            update(AuditEvent).where(AuditEvent.appeal_id.in_(appeals)).values(detail="(erased)")
        )
    if subject.user_id is not None:
        me = subject.user_id
        for column in (Entry.added_by, Entry.approved_by):
            count += session.execute(
                update(Entry).where(column == me).values({column.key: None})
            ).rowcount
        count += session.execute(
            update(Appeal).where(Appeal.decided_by == me).values(decided_by=None)
        ).rowcount
        count += session.execute(
            update(AuditEvent).where(AuditEvent.actor_id == me).values(actor_id=None)
        ).rowcount
        # their connections, tokens, subscriptions and the apply ledger (foreign keys cascade)
        count += session.execute(delete(Connection).where(Connection.user_id == me)).rowcount
    return count


def purge(older_than: datetime, session) -> int:  # noqa: ANN001
    """Delete entries removed and appeals decided before ``older_than``, and their audit lines."""
    entries = list(
        session.scalars(
            select(Entry.id).where(Entry.status == REMOVED, Entry.changed_at < older_than)
        )
    )
    appeals = list(
        session.scalars(
            select(Appeal.id).where(Appeal.status != OPEN, Appeal.decided_at < older_than)
        )
    )
    session.execute(
        delete(AuditEvent).where(
            or_(AuditEvent.entry_id.in_(entries), AuditEvent.appeal_id.in_(appeals))
        )
    )
    session.execute(delete(Appeal).where(Appeal.id.in_(appeals)))
    session.execute(delete(Entry).where(Entry.id.in_(entries)))
    return len(entries) + len(appeals)
