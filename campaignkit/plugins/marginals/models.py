"""The plugin's tables: imported postcodes and results, import records, seat targets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core import Model


class PostcodePoint(Model):
    """A full postcode from an imported postcode file, its position and the seat it lies in."""

    __tablename__ = "marginals_postcodes"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)  # "SW1A 1AA"
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    seat: Mapped[str | None] = mapped_column(String(16), nullable=True)


class ImportedResult(Model):
    """A seat's result from an imported results file; replaces the kit's result for that seat."""

    __tablename__ = "marginals_results"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    winner: Mapped[str] = mapped_column(String(20), nullable=False)
    second: Mapped[str] = mapped_column(String(20), nullable=False)
    valid_votes: Mapped[int] = mapped_column(Integer, nullable=False)
    majority: Mapped[int] = mapped_column(Integer, nullable=False)
    winner_votes: Mapped[int] = mapped_column(Integer, nullable=False)
    votes: Mapped[dict] = mapped_column(JSON, nullable=False)


class ImportRecord(Model):
    """The last import of each kind ("postcodes", "results"): file name, rows kept, rows refused."""

    __tablename__ = "marginals_imports"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(500), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    bad_rows: Mapped[int] = mapped_column(Integer, nullable=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SeatTarget(Model):
    """An organiser's mark on a seat: target, defend or ignore, a priority 1-5 and notes."""

    __tablename__ = "marginals_targets"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    priority: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SeatTargetChange(Model):
    """One change to a seat's mark, kept as its history."""

    __tablename__ = "marginals_target_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    priority: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    changed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
