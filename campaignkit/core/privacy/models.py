"""The privacy logs: erasures (keyed hashes, never addresses) and organiser exports.

The export log (``ExportRecord``) lives in ``campaignkit.core.records``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.db import Model
from campaignkit.core.records import ExportRecord

__all__ = ["ErasureRecord", "ExportRecord"]


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
