"""Tables for campaign events, their hosts, RSVPs, carpools and the group's event settings.

Times are stored in UTC; ``Event.timezone`` keeps the zone the host gave so
pages and calendar files show local time. ``Event.going`` counts confirmed
places and is only changed inside a write transaction that holds the
event's lock, so it never exceeds ``capacity``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.auth.models import utcnow
from campaignkit.core.db import Model

#: Built-in event types; a kit may add more with ``[events] types`` in kit.toml.
EVENT_TYPES = {
    "canvass": "Canvassing",
    "phonebank": "Phone bank",
    "training": "Training",
    "social": "Social",
    "other": "Other",
}
#: Moderation states of an event.
PENDING, APPROVED, REJECTED, CANCELLED = "pending", "approved", "rejected", "cancelled"
#: States of an RSVP.
GOING, WAITLIST, WITHDRAWN = "going", "waitlist", "withdrawn"


class Event(Model):
    """One campaign event: where, when, how many, and who hosts it."""

    __tablename__ = "ck_events"
    __table_args__ = (
        # Each worker's search arrays (events.search_index) read every approved event's
        # place, times and kind from this index alone (it covers them), never the table.
        Index(
            "ix_ck_events_geo",
            *("status", "lat", "lon", "ends_at", "starts_at", "members_only", "type"),
        ),
        Index("ix_ck_events_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    seat_code: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    seat_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    going: Mapped[int] = mapped_column(Integer, default=0)
    members_only: Mapped[bool] = mapped_column(Boolean, default=False)
    chat_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def places_left(self) -> int | None:
        """Places still free, or None when the event has no capacity limit."""
        return None if self.capacity is None else max(0, self.capacity - self.going)


class EventHost(Model):
    """A member who hosts an event (the creator, plus any co-hosts)."""

    __tablename__ = "ck_event_hosts"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("ck_events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("ck_users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Rsvp(Model):
    """Someone saying they will come: a member (``user_id``) or a guest (name and email)."""

    __tablename__ = "ck_event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("ck_events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default=GOING)
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CarpoolOffer(Model):
    """A driver's offer of seats to an event, from an origin postcode at a time."""

    __tablename__ = "ck_carpool_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("ck_events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    driver_name: Mapped[str] = mapped_column(String(200))
    driver_email: Mapped[str] = mapped_column(String(320))
    origin_postcode: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    departs_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seats: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    share_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CarpoolSeat(Model):
    """A rider's claim on one seat of an offer."""

    __tablename__ = "ck_carpool_seats"
    __table_args__ = (UniqueConstraint("offer_id", "rider_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("ck_carpool_offers.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True
    )
    rider_name: Mapped[str] = mapped_column(String(200))
    rider_email: Mapped[str] = mapped_column(String(320))
    share_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventSetting(Model):
    """One group-wide events setting (liability notice, banned words, trust threshold)."""

    __tablename__ = "ck_event_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
