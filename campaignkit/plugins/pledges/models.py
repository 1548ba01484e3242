"""The plugin's tables: pledges and their signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
STATES = (DRAFT, OPEN, CLOSED)


class Pledge(Model):
    """A pledge page: its words, goal and state, and how many signatures count."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    goal: Mapped[int] = mapped_column(Integer, nullable=False)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    share_text: Mapped[str] = mapped_column(String(280), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DRAFT)
    #: The pledge's picture, re-encoded as JPEG after checking (None: no picture).
    image: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    #: Signatures that count: confirmed ones, or all of them when double opt-in is off.
    signed_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    threshold_reached_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Signature(Model):
    """One person's signature on one pledge; the address is unique per pledge."""

    __tablename__ = "pledge_signatures"
    __table_args__ = (
        UniqueConstraint("pledge_id", "email", name="uq_pledge_signatures_pledge_id_email"),
        Index("ix_pledge_signatures_pledge_confirmed", "pledge_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    postcode: Mapped[str] = mapped_column(String(10), nullable=False)
    seat: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seat_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    show_name: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    unsubscribed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


def threshold_reached_at(
    threshold: int | None, count: int, since: datetime | None, now: datetime
) -> datetime | None:
    """When a pledge's threshold counts as reached: ``since`` if it already was, ``now`` if it
    is reached at this count, None when there is no threshold or the count is below it."""
    if not threshold or count < threshold:
        return None
    return since or now
