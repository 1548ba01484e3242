"""The plugin's tables: call lists, contacts, do-not-call entries, campaigns, targets, calls.

A *target* is one contact in one campaign: the row that is handed out under a
lease (``leased_to``, ``lease_until``, ``lease_token``) and that comes back
when the lease runs out or a callback falls due (``due_at``). A *call* is one
recorded outcome, keyed by the lease token so the same outcome posted twice
is stored once. A do-not-call entry holds only a keyed hash of the number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

#: A target's states: waiting to be called (again), or finished.
OPEN, DONE = "open", "done"
#: The targets never called yet (a partial index's condition; see queue.callable_now).
FRESH_TARGETS = "state = 'open' AND due_at IS NULL"
#: What a call can end with.
ANSWERED, NO_ANSWER, WRONG_NUMBER = "answered", "no_answer", "wrong_number"
CALL_BACK, DO_NOT_CALL, MOVED = "call_back", "do_not_call", "moved"
OUTCOMES = (ANSWERED, NO_ANSWER, WRONG_NUMBER, CALL_BACK, DO_NOT_CALL, MOVED)
OUTCOME_LABELS = {
    ANSWERED: "Answered",
    NO_ANSWER: "No answer",
    WRONG_NUMBER: "Wrong number",
    CALL_BACK: "Call back later",
    DO_NOT_CALL: "Do not call",
    MOVED: "Moved away",
}
#: Registry statuses recorded per contact from an imported file (TPS/CTPS in the UK, DNC in the US).
REGISTRIES = ("tps", "ctps", "dnc")
DRAFT, RUNNING, PAUSED = "draft", "running", "paused"
CAMPAIGN_STATES = (DRAFT, RUNNING, PAUSED)


class CallList(Model):
    """A list of contacts an organiser imported, with the lawful basis for calling them."""

    __tablename__ = "phonebank_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Why the campaign may call these people (consent given where, or the lawful basis).
    lawful_basis: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Contact(Model):
    """One person on a call list: name, number (E.164), place, seat and time zone."""

    __tablename__ = "phonebank_contacts"
    __table_args__ = (UniqueConstraint("list_id", "phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_lists.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: E.164 ("+447700900123"); empty once erased.
    phone: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The keyed hash the do-not-call list is matched on; None once erased.
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    postcode: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    seat: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seat_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tags: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: "tps", "ctps" or "dnc" when the number is on that registry; such contacts are not called.
    registry_status: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: The IANA zone(s) the number may be in, space-separated; calls only when all are in hours.
    time_zones: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class DoNotCall(Model):
    """A number that must never be called, kept only as a keyed hash (it survives erasure)."""

    __tablename__ = "phonebank_do_not_call"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: "import" (an organiser's list) or "call" (the person asked during a call).
    source: Mapped[str] = mapped_column(String(10), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class PhoneCampaign(Model):
    """A calling campaign: one list, a script and its survey questions."""

    __tablename__ = "phonebank_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_lists.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The words volunteers read; ``{first_name}`` and ``{seat}`` are filled in.
    script: Mapped[str] = mapped_column(Text, nullable=False)
    #: [{"question": str, "options": [str, ...]}, ...]
    questions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DRAFT)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Target(Model):
    """One contact to call in one campaign, handed out under a lease."""

    __tablename__ = "phonebank_targets"
    __table_args__ = (
        UniqueConstraint("campaign_id", "contact_id"),
        Index("ix_phonebank_targets_queue", "campaign_id", "state", "due_at"),
        # The targets never called yet, in hand-out order (see queue.callable_now).
        Index(
            "ix_phonebank_targets_fresh",
            "campaign_id",
            "id",
            sqlite_where=text(FRESH_TARGETS),
            postgresql_where=text(FRESH_TARGETS),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_campaigns.id", ondelete="CASCADE"), nullable=False
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_contacts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[str] = mapped_column(String(8), nullable=False, default=OPEN)
    #: Not to be handed out before this time (a callback or a retry); None: at once.
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    leased_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lease_token: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)


class Call(Model):
    """One recorded call outcome (answers to the survey questions when answered)."""

    __tablename__ = "phonebank_calls"
    __table_args__ = (Index("ix_phonebank_calls_campaign_made", "campaign_id", "made_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The lease the outcome was recorded under: a second post of it is refused.
    lease_token: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_campaigns.id", ondelete="CASCADE"), nullable=False
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("phonebank_targets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    #: {"0": "Yes", ...}: the chosen option for each question, by question number.
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    seat_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    callback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Volunteer(Model):
    """A caller's running count and current lease; its row is locked while a call is handed out."""

    __tablename__ = "phonebank_volunteers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    calls: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
