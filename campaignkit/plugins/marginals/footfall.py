"""This week's events per seat and the next events in each seat, kept a few seconds.

Every ``/nearest`` needs the same two things: each seat's events and RSVPs
this week (its footfall) and the first upcoming public events in the seats
it suggests. Both come from one snapshot of upcoming approved events, kept
per worker process while the ``events`` version (bumped by core on every
event or RSVP change, see ``campaignkit.core.changes``) has not moved, so
every worker on every server reads afresh after a change. A snapshot is
also retaken after ``SNAPSHOT_SECONDS``, as "this week" moves on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from campaignkit.core import (
    app_store,
    fresh,
    upcoming_events_by_seat,
    upcoming_events_in_seats,
    version,
)

WEEK = timedelta(days=7)
#: How far ahead a seat's listed events reach.
LISTED_AHEAD = 4 * WEEK
#: How long one snapshot is used.
SNAPSHOT_SECONDS = 20.0
_KEY = "events"  # in the plugin's app_store
_taking = threading.Lock()


@dataclass(frozen=True)
class EventsSnapshot:
    """Upcoming events as seen at one moment: footfall and listings per seat code."""

    taken: float
    version: int
    footfall: dict[str, tuple[int, int]]
    listed: dict[str, list[dict]]


def take_snapshot(now: datetime, seat_codes: list[str]) -> EventsSnapshot:
    """Read this week's footfall and the first public events in every seat, from now."""
    return EventsSnapshot(
        time.monotonic(),
        version("events"),  # noted before the events are read
        upcoming_events_by_seat(now, now + WEEK),
        upcoming_events_in_seats(seat_codes, now, now + LISTED_AHEAD),
    )


def _usable(kept: EventsSnapshot | None) -> bool:
    return (
        kept is not None
        and time.monotonic() - kept.taken < SNAPSHOT_SECONDS
        and fresh("events", kept.version)
    )


def events_snapshot(now: datetime, seat_codes: list[str]) -> EventsSnapshot:
    """The process's current snapshot, taken afresh after an event changed (or SNAPSHOT_SECONDS)."""
    kept = app_store("marginals").get(_KEY)
    if _usable(kept):
        return kept
    with _taking:  # one request takes it; the others waiting use that one
        kept = app_store("marginals").get(_KEY)
        if not _usable(kept):
            kept = app_store("marginals")[_KEY] = take_snapshot(now, seat_codes)
    return kept


def forget_snapshot() -> None:
    """Drop this process's snapshot (an event changed), so the next request reads afresh."""
    app_store("marginals").pop(_KEY, None)
