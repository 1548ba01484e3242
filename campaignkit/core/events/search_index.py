"""Every approved event's place, times and kind, in numpy arrays each worker keeps.

Finding the events near a postcode is the busiest read of polling week. In
the database it means reading every candidate in a box of latitudes and
testing each; in memory, a few vectorised comparisons over all approved
events take well under a millisecond (21,000 events), and the page's full
rows are then read by primary key (or, for the API's lists, taken from
``listing``, kept beside the arrays).

The arrays are kept per worker process while the ``event_search`` version
has not moved (see ``campaignkit.core.changes``): core bumps it once an
event is created, edited, approved, rejected, cancelled or imported, so
every worker on every server reads afresh after such a change (RSVPs change
no field a search reads, and do not bump it). ``REBUILD_SECONDS`` bounds the
age of the arrays, for changes made behind the app's back (SQL by hand).
While Redis cannot be reached, every version reads as new; the arrays are
then read again once a second, not on every search.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from flask import has_app_context
from sqlalchemy import String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from campaignkit.core.auth.models import aware
from campaignkit.core.changes import unreadable, version
from campaignkit.core.events.models import APPROVED, Event
from campaignkit.core.session import read_session
from campaignkit.core.state import app_store

#: The version name core bumps when what a search reads changes.
VERSION_NAME = "event_search"
#: The most seconds one worker's arrays are used, whatever the version says.
REBUILD_SECONDS = 60.0
#: While versions cannot be read (Redis down), the arrays are read again this often.
UNREADABLE_SECONDS = 1.0
_STORE, _KEY = "campaignkit.events", "search_index"
_building = threading.Lock()


@dataclass(frozen=True)
class SearchIndex:
    """Approved events in date order (then id): one array per field a search reads."""

    version: int
    built: float  # time.monotonic() when read
    ids: np.ndarray
    lat: np.ndarray  # degrees
    lon: np.ndarray
    phi: np.ndarray  # latitude, radians
    cos_phi: np.ndarray
    lam: np.ndarray  # longitude, radians
    starts: np.ndarray  # seconds since the epoch, UTC
    ends: np.ndarray
    kinds: np.ndarray  # index into ``kind_names``
    kind_names: tuple[str, ...]
    members_only: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def epoch_seconds(moment: datetime) -> float:
    """A time (naive ones are UTC, as SQLite hands them back) as seconds since the epoch."""
    return aware(moment).timestamp()


class _StoredTime(FunctionElement):
    """A stored time as the database can hand it over fastest: SQLite's own text
    ('YYYY-MM-DD HH:MM:SS.ffffff', UTC), elsewhere seconds since the epoch."""

    type = String()
    inherit_cache = True


@compiles(_StoredTime, "sqlite")
def _sqlite_time(element: _StoredTime, compiler, **kw) -> str:  # noqa: ANN001
    return compiler.process(element.clauses, **kw)


@compiles(_StoredTime)
def _epoch_time(element: _StoredTime, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS FLOAT)"


def _seconds(values: tuple) -> np.ndarray:
    """``_StoredTime`` values as seconds since the epoch, exact to the microsecond."""
    if values and isinstance(values[0], str):  # numpy reads the text (UTC) in C
        return np.array(values, "datetime64[us]").astype(np.int64) / 1e6
    return np.array(values, float)


def read_index(session: Session, seen_version: int) -> SearchIndex:
    """Read every approved event's searched fields from the database, into arrays."""
    rows = session.connection().execute(  # Core rows: the ORM adds nothing here
        select(
            Event.id, Event.lat, Event.lon, _StoredTime(Event.starts_at),
            _StoredTime(Event.ends_at), Event.type, Event.members_only,
        ).where(Event.status == APPROVED)  # read from the covering index ix_ck_events_geo
    ).all()  # fmt: skip
    ids, lat, lon, starts, ends, kinds, members_only = list(zip(*rows, strict=True)) or [()] * 7
    ids, starts = np.array(ids, np.int64), _seconds(starts)
    order = np.lexsort((ids, starts))  # by start, then id
    kind_names = tuple(sorted(set(kinds)))
    code = {name: number for number, name in enumerate(kind_names)}
    lat, lon = np.array(lat, float)[order], np.array(lon, float)[order]
    phi = np.radians(lat)
    return SearchIndex(
        version=seen_version,
        built=time.monotonic(),
        ids=ids[order],
        lat=lat,
        lon=lon,
        phi=phi,
        cos_phi=np.cos(phi),
        lam=np.radians(lon),
        starts=starts[order],
        ends=_seconds(ends)[order],
        kinds=np.array([code[kind] for kind in kinds], np.int32)[order],
        kind_names=kind_names,
        members_only=np.array(members_only, bool)[order],
    )


def _usable(kept: SearchIndex | None) -> bool:
    if kept is None:
        return False
    age, now_at = time.monotonic() - kept.built, version(VERSION_NAME)
    if unreadable(now_at):  # Redis cannot be reached: read again at most once a second
        return age < UNREADABLE_SECONDS
    return age < REBUILD_SECONDS and now_at == kept.version


def search_index(session: Session) -> SearchIndex:
    """This worker's index, read afresh after a change to events (or ``REBUILD_SECONDS``).

    It is read in a transaction of its own, begun after the version is noted,
    so it never holds data older than its version. Outside an app (a script
    with a bare session) it is read through ``session`` and not kept.
    """
    if not has_app_context():
        return read_index(session, 0)
    return kept_in_worker(_KEY, _building, _usable, _read_afresh)


def _read_afresh(own: Session, _kept: SearchIndex | None) -> SearchIndex:
    seen = version(VERSION_NAME)  # noted before the events are read
    return read_index(own, seen)


def kept_in_worker(
    key: str,
    lock: threading.Lock,
    usable: Callable[[Any], bool],
    read: Callable[[Session, Any], Any],
) -> Any:  # noqa: ANN401 - whatever ``read`` makes
    """What this worker keeps under ``key`` while ``usable(kept)``, else ``read(session, kept)``.

    ``read`` gets a read session of its own and what was kept before (or
    None). Under ``lock`` one request reads; the others waiting use its answer.
    """
    store = app_store(_STORE)
    kept = store.get(key)
    if usable(kept):
        return kept
    with lock:
        kept = store.get(key)
        if not usable(kept):
            with read_session() as own:
                kept = store[key] = read(own, kept)
    return kept
