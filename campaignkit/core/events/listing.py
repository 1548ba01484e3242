"""Every approved event's listed fields, kept beside the search index, for the API's lists.

A page of the JSON API's search shows twenty events with their places left.
Reading those twenty rows costs a database round trip and more than the
search itself (``search_index``), so the first list after the index is read
also reads every approved event's listed fields (0.2-0.5 s for 21,000
events; 14 MB with one-line descriptions, plus the descriptions' length)
and keeps them while that index is kept: until an event is created,
edited, approved, rejected or cancelled (the ``event_search`` version), or
for ``REBUILD_SECONDS``. After such a change only the events
changed lately (``updated_at`` within ``CHANGED_MARGIN`` of the last read, a
margin for clocks that differ between servers) are read again; everything
is read afresh once the full read is ``REBUILD_SECONDS`` old, for changes
made behind the app's back.

Places left change with every RSVP, which does not move ``event_search``.
The kept counts are used while the ``events`` version (which every RSVP
bumps too) has not moved since they were read; once it has, a page's counts
are read afresh (one small query) and kept for that version. So with
Redis, an RSVP on any server is seen by the next list on every server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import has_app_context
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import utcnow
from campaignkit.core.changes import version
from campaignkit.core.events.models import APPROVED, Event
from campaignkit.core.events.queries import PAGE_SIZE, Found, Search, page_of
from campaignkit.core.events.search_index import (
    REBUILD_SECONDS,
    SearchIndex,
    kept_in_worker,
    search_index,
)

#: The version every event change bumps, RSVPs included: what the kept counts follow.
COUNTS_VERSION = "events"
#: After an event change, events changed this long before the last read are read again.
CHANGED_MARGIN = timedelta(minutes=5)
_KEY = "listing"
_building = threading.Lock()


class ListedEvent(NamedTuple):
    """The fields an event is listed with (the API's search), as the database holds them."""

    id: int
    type: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    postcode: str
    lat: float
    lon: float
    seat_code: str | None
    seat_name: str | None
    capacity: int | None
    going: int
    members_only: bool
    accessibility: str

    @property
    def places_left(self) -> int | None:
        """Places still free, or None when the event has no capacity limit."""
        return None if self.capacity is None else max(0, self.capacity - self.going)


_LISTED = select(*(getattr(Event, name) for name in ListedEvent._fields))
_ALL_LISTED = _LISTED.where(Event.status == APPROVED)
_CHANGED = _LISTED.add_columns(Event.status).where(Event.updated_at >= bindparam("since"))
_SOME_LISTED = _LISTED.where(
    Event.status == APPROVED, Event.id.in_(bindparam("ids", expanding=True))
)
#: A page's places taken, read afresh after an RSVP (cancelled events drop out).
_COUNTS = select(Event.id, Event.going).where(
    Event.status == APPROVED, Event.id.in_(bindparam("ids", expanding=True))
)


@dataclass
class _Listing:
    """What one worker keeps for one search index."""

    index: SearchIndex
    rows: dict[int, ListedEvent]
    counts_version: int  # the ``events`` version noted before ``rows`` were read
    read_at: datetime  # when the last read began (the app's clock, as ``updated_at``)
    fully_read: float  # time.monotonic() at the last read of every row
    fresher: dict[int, dict[int, int]] = field(default_factory=dict)  # version -> {id: going}


def _read_rows(session: Session, ids: Sequence[int] | None = None) -> dict[int, ListedEvent]:
    """Approved events' listed fields: all of them, or those of ``ids``."""
    connection = session.connection()  # Core rows: the ORM adds nothing here
    rows = (
        connection.execute(_ALL_LISTED)
        if ids is None
        else connection.execute(_SOME_LISTED, {"ids": list(ids)})
    )
    return {row[0]: ListedEvent._make(row) for row in rows}


def _read_listing(session: Session, index: SearchIndex, kept: _Listing | None) -> _Listing:
    """Read the listing for ``index``: the lately changed rows onto ``kept``, or every row."""
    seen, read_at, started = version(COUNTS_VERSION), utcnow(), time.monotonic()
    if kept is None or started - kept.fully_read >= REBUILD_SECONDS:
        return _Listing(index, _read_rows(session), seen, read_at, started)
    rows = dict(kept.rows)
    changed = session.connection().execute(_CHANGED, {"since": kept.read_at - CHANGED_MARGIN})
    for *listed, status in changed:
        if status == APPROVED:
            rows[listed[0]] = ListedEvent._make(listed)
        else:
            rows.pop(listed[0], None)
    # the places taken in rows kept from before are as of the version noted then
    return _Listing(index, rows, kept.counts_version, read_at, kept.fully_read, kept.fresher)


def _listing(index: SearchIndex) -> _Listing:
    """This worker's listing for ``index``, read the first time that index is listed."""
    return kept_in_worker(
        _KEY,
        _building,
        lambda kept: kept is not None and kept.index is index,
        lambda own, kept: _read_listing(own, index, kept),
    )


def _current_counts(session: Session, listing: _Listing, ids: list[int]) -> dict[int, int]:
    """Places taken now for ``ids`` (absent: no longer approved), read once per version."""
    now_at = version(COUNTS_VERSION)
    if now_at == listing.counts_version:
        return {i: listing.rows[i].going for i in ids if i in listing.rows}
    known = listing.fresher.get(now_at)
    if known is None:  # a new version: counts read under older ones are dropped
        known = {}
        listing.fresher = {now_at: known}
    missing = [i for i in ids if i not in known]
    if missing:  # -1: no longer approved
        read = dict(session.execute(_COUNTS, {"ids": missing}).all())
        known.update((i, read.get(i, -1)) for i in missing)
    return {i: known[i] for i in ids if known.get(i, -1) >= 0}


def listed_events(
    session: Session, index: SearchIndex, ids: Iterable[int]
) -> dict[int, ListedEvent]:
    """The listed fields of the approved events among ``ids``, with their places taken now.

    Inside an app they come from the worker's memory (see the module's
    notes); outside one (a script with a bare session) from the database.
    """
    wanted = list(ids)
    if not wanted:
        return {}
    if not has_app_context():
        return _read_rows(session, wanted)
    listing = _listing(index)
    counts = _current_counts(session, listing, wanted)
    shown = {}
    for i in wanted:
        row = listing.rows.get(i)
        if row is not None and i in counts:
            shown[i] = row if row.going == counts[i] else row._replace(going=counts[i])
    return shown


def find_listed(
    session: Session, search: Search, page: int = 1, per_page: int = PAGE_SIZE
) -> Found:
    """``find_events`` with ``ListedEvent`` tuples, mostly from memory: for the API's lists."""
    index = search_index(session)
    found = page_of(index, search, page, per_page)
    listed = listed_events(session, index, found.ids)
    shown = [(listed[i], km) for i, km in zip(found.ids, found.kms, strict=True) if i in listed]
    return Found(shown, found.total, found.page, found.pages)
