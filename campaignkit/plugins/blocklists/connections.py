"""Storing, finding and deleting a supporter's connected accounts (the connect flows share it).

A connection is found again by its platform, server and stable id, so connecting the
same account twice refreshes its handle and credentials instead of adding a second row.
Deleting a connection deletes everything hanging off it (subscriptions, the apply job's
ledger) through the foreign keys; the mutes and blocks already made stay on the
supporter's own account.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import delete, select

from campaignkit.core import current_user, db_session, plugin_settings
from campaignkit.plugins.blocklists.credentials import seal
from campaignkit.plugins.blocklists.models import now
from campaignkit.plugins.blocklists.platforms.base import RemoteAccount
from campaignkit.plugins.blocklists.subscribers import CONNECTED, Connection, Subscription


def store_connection(session, user_id: int, account: RemoteAccount, server: str,  # noqa: ANN001
                     credentials: dict) -> Connection:  # fmt: skip
    """Add the connection, or refresh the same account's handle and credentials."""
    found = session.scalars(
        select(Connection).where(
            Connection.user_id == user_id,
            Connection.platform == account.platform,
            Connection.account_id == account.account_id,
        )
    ).first()
    if found is None:
        found = Connection(user_id=user_id, platform=account.platform,
                           account_id=account.account_id, created_at=now())  # fmt: skip
        session.add(found)
    found.handle, found.server = account.handle, server
    found.credentials = seal(account.platform, credentials)
    found.status, found.last_error = CONNECTED, ""
    session.flush()
    return found


def own_connection(session, connection_id: int) -> Connection:  # noqa: ANN001
    """The signed-in supporter's connection with this id; a 404 for anyone else's."""
    found = session.get(Connection, connection_id)
    if found is None or found.user_id != current_user.id:
        abort(404, description="There is no such connected account.")
    return found


def connections_of(user_id: int) -> list[Connection]:
    """A supporter's connected accounts, oldest first."""
    query = select(Connection).where(Connection.user_id == user_id).order_by(Connection.id)
    return list(db_session().scalars(query))


def delete_connections(session, user_id: int, connection_id: int | None = None) -> int:  # noqa: ANN001
    """Delete a supporter's connections (one, or all), their credentials and all hanging off."""
    query = delete(Connection).where(Connection.user_id == user_id)
    if connection_id is not None:
        query = query.where(Connection.id == connection_id)
    return session.execute(query).rowcount


def allowed_actions(platform: str) -> list[str]:
    """What a subscription on this platform may ask for: mute, and block where allowed."""
    if platform == "x" and not plugin_settings("blocklists").x_allow_block:
        return ["mute"]
    return ["mute", "block"]


def is_subscriber(list_id: int) -> bool:
    """Whether the signed-in supporter has subscribed any of their accounts to this list."""
    if not current_user.is_authenticated:
        return False
    query = (
        select(Subscription.id)
        .join(Connection, Connection.id == Subscription.connection_id)
        .where(Subscription.list_id == list_id, Connection.user_id == current_user.id)
    )
    return db_session().scalars(query.limit(1)).first() is not None


def subscribe_choices(list_id: int) -> list[tuple[Connection, Subscription | None, list[str]]]:
    """For the list's page: each of the supporter's connections, its subscription, its actions."""
    if not current_user.is_authenticated:
        return []
    found = connections_of(current_user.id)
    subscribed = {
        s.connection_id: s
        for s in db_session().scalars(
            select(Subscription).where(
                Subscription.list_id == list_id,
                Subscription.connection_id.in_([c.id for c in found]),
            )
        )
    }
    return [(c, subscribed.get(c.id), allowed_actions(c.platform)) for c in found]
