"""Importers: a full postcode file and a results file, each replacing the old data atomically.

Each import runs in one database transaction: the old rows are deleted and
the new ones written in batches, and the import record updated, all committed
together at the end. If anything fails (a broken file, a full disk, Ctrl-C)
the transaction rolls back and the previous data stays as it was; readers
keep seeing the old data until the commit. Rows that cannot be used are
counted and reported, not fatal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from flask import current_app
from pyproj import Transformer
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from campaignkit.core import changed_after_commit, clear_place_cache
from campaignkit.plugins.marginals.boundaries import SeatIndex
from campaignkit.plugins.marginals.models import ImportRecord, PostcodePoint
from campaignkit.plugins.marginals.sources import BAD_EXAMPLES, read_postcodes
from campaignkit.plugins.marginals.targets import STANDING_VERSION

#: Called with the number of bytes of the file read since the last call.
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows written, rows refused, rows left out, rows with no seat."""

    rows: int
    bad_rows: int
    skipped: int = 0
    no_seat: int = 0
    seconds: float = 0.0
    #: Rows whose postcode an earlier row already gave (the first one is kept).
    duplicates: int = 0
    #: The first few refused rows: ("file line N", the row's text).
    bad_examples: tuple[tuple[str, str], ...] = ()


def record_import(session: Session, kind: str, source: str, rows: int, bad: int) -> None:
    """Write down (replacing the last) which file was imported, with its counts."""
    record = session.get(ImportRecord, kind) or ImportRecord(kind=kind)
    record.source, record.rows, record.bad_rows = source[-500:], rows, bad
    record.imported_at = datetime.now(UTC)
    session.add(record)
    if kind == "results":
        changed_after_commit(session, STANDING_VERSION)


def _insert_sql(session: Session) -> str:
    marker = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    table = PostcodePoint.__tablename__
    return (
        f"INSERT INTO {table} (postcode, lat, lon, seat) VALUES ({', '.join([marker] * 4)})"  # noqa: S608 - constant names
        " ON CONFLICT (postcode) DO NOTHING"  # a repeated postcode: the first row wins
    )


def import_postcodes(
    session: Session,
    path: Path,
    index: SeatIndex,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Replace the imported postcodes with those in ``path``, each given its seat.

    ``session`` must be a write session whose transaction commits (or rolls
    back) after this returns. Eastings/northings are converted to WGS84 in
    bulk with pyproj; seats come from point-in-polygon against ``index``.
    When it commits, this process forgets its recent geocoding answers.
    """
    started = time.perf_counter()
    app = current_app._get_current_object()

    def forget_places(_session: Session) -> None:  # answers given from the old postcodes
        with app.app_context():
            clear_place_cache()

    event.listen(session, "after_commit", forget_places, once=True)
    to_wgs84 = Transformer.from_crs(27700, 4326, always_xy=True)
    connection = session.connection()
    sql = _insert_sql(session)
    session.execute(delete(PostcodePoint))
    rows = bad = skipped = no_seat = 0
    examples: list[tuple[str, str]] = []
    for batch in read_postcodes(path):
        bad += batch.bad
        skipped += batch.skipped
        examples.extend(batch.bad_examples[: BAD_EXAMPLES - len(examples)])
        if batch.postcodes:
            x, y = np.asarray(batch.x), np.asarray(batch.y)
            lons, lats = to_wgs84.transform(x, y) if batch.grid else (x, y)
            lats, lons = np.round(lats, 6), np.round(lons, 6)
            seats = index.seats_of(lats, lons)
            no_seat += int(np.count_nonzero(seats == None))  # noqa: E711 - elementwise
            values = list(zip(batch.postcodes, lats.tolist(), lons.tolist(), seats, strict=True))
            connection.exec_driver_sql(sql, values)
            rows += len(values)
        if progress is not None:
            progress(batch.bytes_read)
    kept = session.scalar(select(func.count()).select_from(PostcodePoint)) or 0
    duplicates, rows = rows - kept, kept
    record_import(session, "postcodes", path.name, rows, bad + duplicates)
    seconds = time.perf_counter() - started
    return ImportSummary(rows, bad, skipped, no_seat, seconds, duplicates, tuple(examples))
