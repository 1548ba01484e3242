"""The privacy logs: erasures (keyed hashes, never addresses) and organiser exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.db import Model


class ErasureRecord(Model):
    """One person's data erased: who asked, when, and how many rows each plugin changed.

    ``subject_hash`` is an HMAC of the normalised address keyed with the
    instance's secret key, so the log names nobody yet lets
    ``campaignkit privacy replay-erasures`` find the person again in a
    restored backup.
    """

    __tablename__ = "ck_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)
    requested_by: Mapped[str] = mapped_column(String(60))
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: {plugin: rows}


class ExportRecord(Model):
    """One export of personal data: who made it, what it held, when, and how many rows."""

    __tablename__ = "ck_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    what: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
