"""Which connections need a new plan: their lists or subscriptions changed since the last one.

A plan is made against what the lists asked for at ``Connection.planned_at``. It is out of
date when an entry of a subscribed list changed status since (added, approved, removed:
``Entry.changed_at``), a subscription or an auto-rule target was added since, or our
record still names a list the connection no longer subscribes to (an unsubscribe deletes
its row; the auto rules' pseudo-list ``auto`` is always subscribed).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from campaignkit.plugins.blocklists.ledger import AppliedAction
from campaignkit.plugins.blocklists.models import AutoTarget, Entry
from campaignkit.plugins.blocklists.planner import AUTO
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription


def changed_since_planned(session: Session, connection: Connection) -> bool:
    """Whether a subscribed list or a subscription changed after the connection's last plan."""
    if connection.planned_at is None:
        return True
    stamp = connection.planned_at
    mine = Subscription.connection_id == connection.id
    new_subscription = session.scalar(select(exists().where(mine, Subscription.created_at > stamp)))
    changed_entry = session.scalar(
        select(
            exists().where(
                Entry.list_id.in_(select(Subscription.list_id).where(mine)),
                Entry.platform == connection.platform,
                Entry.changed_at > stamp,
            )
        )
    )
    new_auto = session.scalar(
        select(exists().where(AutoTarget.connection_id == connection.id, AutoTarget.at > stamp))
    )
    return bool(new_subscription or changed_entry or new_auto)


def unsubscribed_lists_held(session: Session, connection: Connection) -> bool:
    """Whether our record still credits a list this connection no longer subscribes to."""
    subscribed = {AUTO} | {
        str(list_id)
        for list_id in session.scalars(
            select(Subscription.list_id).where(Subscription.connection_id == connection.id)
        )
    }
    lists = session.scalars(
        select(AppliedAction.lists).where(AppliedAction.connection_id == connection.id).distinct()
    )
    return any(set(filter(None, text.split(","))) - subscribed for text in lists)


def needs_plan(session: Session, connection: Connection) -> bool:
    """Whether the connection must read the platform and plan again before its next call."""
    return changed_since_planned(session, connection) or unsubscribed_lists_held(
        session, connection
    )
