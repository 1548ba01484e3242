"""The apply job's ledger: what we put in force on each connected account, and what is next.

`AppliedAction` rows are the planner's record (``planner.AppliedRecord``): per target,
the actions *we* put in force and the lists asking for them. `HandsOff` rows are targets
the subscriber undid by hand after we acted: never applied again. `Step` rows are the
pending calls of a plan, in order; a step moves pending → sent (committed just before the
call) → done, skipped or failed, so a worker killed after a call but before recording it
finds a "sent" step and checks the platform instead of calling again. Done steps are the
subscriber's log of what was done.

Target ids are the ids the connected account's platform uses: for Mastodon that is the
id on the subscriber's own server, found from the entry's handle (`MastodonAccountId`
keeps what was found, per server).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

#: A step's states, in order.
PENDING, SENT, DONE, SKIPPED, FAILED = "pending", "sent", "done", "skipped", "failed"
STEP_STATES = (PENDING, SENT, DONE, SKIPPED, FAILED)


def _connection_fk() -> ForeignKey:
    return ForeignKey("blocklists_connections.id", ondelete="CASCADE")


class AppliedAction(Model):
    """One target we muted or blocked for one connection, and the lists that ask for it."""

    __tablename__ = "blocklists_applied"

    connection_id: Mapped[int] = mapped_column(_connection_fk(), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: Our actions in force, comma-separated and sorted ("block", "mute" or "block,mute").
    actions: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The ids of the subscribed lists asking for it, comma-separated ("" while followed).
    lists: Mapped[str] = mapped_column(Text, nullable=False, default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class HandsOff(Model):
    """A target the subscriber unmuted or unblocked by hand after we acted: never again."""

    __tablename__ = "blocklists_hands_off"

    connection_id: Mapped[int] = mapped_column(_connection_fk(), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Step(Model):
    """One platform call of a plan for one connection, and what became of it."""

    __tablename__ = "blocklists_steps"
    __table_args__ = (Index("ix_blocklists_steps_connection_state", "connection_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connection_id: Mapped[int] = mapped_column(_connection_fk(), nullable=False)
    verb: Mapped[str] = mapped_column(String(10), nullable=False)  # "apply" or "undo"
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # "mute" or "block"
    target_id: Mapped[str] = mapped_column(String(300), nullable=False)
    #: For the log: the handle when known.
    target_handle: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The lists the record keeps for the target once the call succeeded (comma-separated).
    lists: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[str] = mapped_column(String(10), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Why it was skipped or failed, or the last retried error, in plain words.
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MastodonAccountId(Model):
    """What a listed Mastodon account's id is on one subscriber's server."""

    __tablename__ = "blocklists_mastodon_ids"

    server: Mapped[str] = mapped_column(String(253), primary_key=True)
    #: The entry's stable key (``id@home-server``).
    entry_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: The id on ``server``; None when the handle could not be found there.
    local_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
