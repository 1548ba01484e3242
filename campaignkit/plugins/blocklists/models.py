"""The plugin's tables: lists, their entries, the audit log and appeals.

Maintainers are named by their account id (``added_by``, ``approved_by``,
``actor_id``, ``decided_by``) without a foreign key to core's table, as in
every plugin; erasure nulls them.

An entry names an account by its stable id (X user id, Mastodon ``id@server``,
Bluesky DID), unique per list and platform. An entry imported by handle has no
id yet: it waits (status ``lookup``) for the handle lookup job, which needs the
platform adapters; ids never collide with those rows because SQL treats NULLs
as distinct. The handle shown is refreshed from the id (`handle_refresh`), which also
records an account that is suspended or deleted (``account_state``) without dropping it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

PLATFORMS = ("x", "mastodon", "bluesky")
PLATFORM_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}
REASONS = ("abuse", "impersonation", "spam", "doxxing", "threats", "other")
#: Entry states: waiting for handle lookup, waiting for a second maintainer, on the list, off it.
LOOKUP, PENDING, LIVE, REMOVED = "lookup", "pending", "live", "removed"
STATUSES = (LOOKUP, PENDING, LIVE, REMOVED)
STATUS_NAMES = {
    LOOKUP: "waiting for handle lookup",
    PENDING: "waiting for a second maintainer",
    LIVE: "live",
    REMOVED: "removed",
}
#: What the handle refresh found when a listed account cannot be shown (None: it can).
ACCOUNT_STATES = {
    "suspended": "suspended",
    "deleted": "deleted or not found",
    "deactivated": "deactivated",
}
#: Appeal states and the two decisions a maintainer can make.
OPEN, UPHELD, ENTRY_REMOVED = "open", "upheld", "removed"


def now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


class BlockList(Model):
    """A shared list: what it is for, its rules, and whether its handles are for members only."""

    __tablename__ = "blocklists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rules: Mapped[str] = mapped_column(Text, nullable=False, default="")
    private: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: The at:// URI of the list's Bluesky moderation list, once it has been published.
    bluesky_list_uri: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Entry(Model):
    """One account on one list, with why it is there and who put it there."""

    __tablename__ = "blocklists_entries"
    __table_args__ = (
        UniqueConstraint(
            "list_id", "platform", "account_id", name="uq_blocklists_entries_list_account"
        ),
        Index("ix_blocklists_entries_list_status", "list_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists.id", ondelete="CASCADE"), nullable=False
    )
    platform: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The stable id; None while the entry waits for its handle to be looked up.
    account_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    handle: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    added_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    approved_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: When the status last changed (an approval, a removal): what retention counts from.
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: Why the handle lookup could not give this entry an id (it does not exist, ...).
    lookup_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    #: The line of the imported file this entry came from (None: not imported from a file).
    import_line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: When the handle refresh last asked the platform about this account by its id.
    handle_checked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    #: What that check found when the account cannot be shown (a key of ACCOUNT_STATES).
    account_state: Mapped[str | None] = mapped_column(String(12), nullable=True)


class AuditEvent(Model):
    """One line of a list's audit log: written once, never changed by the pages."""

    __tablename__ = "blocklists_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists.id", ondelete="CASCADE"), nullable=False, index=True
    )
    entry_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    appeal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Appeal(Model):
    """A listed person's appeal, and the maintainers' decision on it."""

    __tablename__ = "blocklists_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists.id", ondelete="CASCADE"), nullable=False
    )
    #: The entry the handle matched when the appeal came in (None: no live entry matched).
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("blocklists_entries.id", ondelete="SET NULL"), nullable=True
    )
    platform: Mapped[str] = mapped_column(String(10), nullable=False)
    handle: Mapped[str] = mapped_column(String(300), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=OPEN)
    decision: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AutoTarget(Model):
    """An account the auto rules want muted for one connected account (the pseudo-list "auto")."""

    __tablename__ = "blocklists_auto_targets"
    __table_args__ = (
        UniqueConstraint(
            "connection_id", "target_id", name="uq_blocklists_auto_targets_connection_target"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("blocklists_connections.id", ondelete="CASCADE"), nullable=False
    )
    target_id: Mapped[str] = mapped_column(String(300), nullable=False)
    handle: Mapped[str] = mapped_column(String(300), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
