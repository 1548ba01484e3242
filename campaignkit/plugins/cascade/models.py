"""The plugin's tables: cascades (the organisers' messages) and their nodes (one per opener).

A node holds no personal data: a random code, its parent, its generation,
when it was opened, the seat its opener chose to give (never the postcode)
and how often it was forwarded on each target.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model

DRAFT, RUNNING, STOPPED = "draft", "running", "stopped"
STATES = (DRAFT, RUNNING, STOPPED)
#: Where a message can be forwarded; each has a counter on the node.
TARGETS = ("whatsapp", "telegram", "signal", "sms", "copy")


class Cascade(Model):
    """A forwardable message: its words, picture and link, and whether it is running."""

    __tablename__ = "cascades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    #: The picture, re-encoded as JPEG after checking (None: no picture).
    image: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=DRAFT)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Node(Model):
    """One opener's place in a cascade's tree: the root is the organiser's own link."""

    __tablename__ = "cascade_nodes"
    __table_args__ = (Index("ix_cascade_nodes_cascade_opened", "cascade_id", "opened_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    cascade_id: Mapped[int] = mapped_column(
        ForeignKey("cascades.id", ondelete="CASCADE"), nullable=False
    )
    parent_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    seat: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seat_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    forwards_whatsapp: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    forwards_telegram: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    forwards_signal: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    forwards_sms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    forwards_copy: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
