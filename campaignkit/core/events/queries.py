"""Finding events: near a position within a radius, by type and date window, a page at a time.

Which approved events match, how many, and which fall on the page are
worked out on the worker's ``search_index`` (numpy arrays of every approved
event's place, times and kind, kept until an event changes): a box of
latitudes and longitudes first, then the haversine formula for the events
in the box. Full rows are read from the database for the page alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from campaignkit.core.events.models import APPROVED, Event
from campaignkit.core.events.radius import EARTH_RADIUS_KM, arc_km, bounding_box
from campaignkit.core.events.search_index import SearchIndex, epoch_seconds, search_index
from campaignkit.core.session import db_session

MAX_RADIUS_KM = 200.0
PAGE_SIZE = 20
#: The highest page number a search may ask for (a page past the last shows the last).
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Search:
    """What a person is looking for; ``lat``/``lon`` None means anywhere."""

    lat: float | None = None
    lon: float | None = None
    radius_km: float = 25.0
    types: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    members: bool = False
    order: str = "date"  # or "distance"
    box: tuple[float, float, float, float] | None = None  # (south, north, west, east), a map's view


@dataclass(frozen=True)
class Found:
    """A page of results: events with their distances (km, or None) and the total count."""

    events: list[tuple[Any, float | None]]  # Event, or ListedEvent (``listing.find_listed``)
    total: int
    page: int
    pages: int


def _in_box(index: SearchIndex, box: tuple[float, float, float, float]) -> np.ndarray:
    """Which events lie in a (south, north, west, east) box."""
    south, north, west, east = box
    return (index.lat >= south) & (index.lat <= north) & (index.lon >= west) & (index.lon <= east)


def _filtered(index: SearchIndex, search: Search) -> np.ndarray:
    """Positions in ``index`` (date order) of the events passing every test but the radius."""
    keep = np.ones(len(index), bool) if search.members else ~index.members_only
    if search.types:
        codes = [n for n, name in enumerate(index.kind_names) if name in search.types]
        keep &= np.isin(index.kinds, codes)
    if search.start is not None:
        keep &= index.ends >= epoch_seconds(search.start)
    if search.end is not None:
        keep &= index.starts < epoch_seconds(search.end)
    if search.box is not None:
        keep &= _in_box(index, search.box)
    if search.lat is not None and search.lon is not None:
        keep &= _in_box(index, bounding_box(search.lat, search.lon, search.radius_km))
    return np.flatnonzero(keep)


def _haversine_a(index: SearchIndex, picked: np.ndarray, lat: float, lon: float) -> np.ndarray:
    """The haversine ``a`` from (lat, lon) to the picked events; it grows with the distance."""
    p0, l0 = math.radians(lat), math.radians(lon)
    dlat = np.sin((index.phi[picked] - p0) * 0.5)
    dlon = np.sin((index.lam[picked] - l0) * 0.5)
    return dlat * dlat + math.cos(p0) * index.cos_phi[picked] * dlon * dlon


def matches(index: SearchIndex, search: Search) -> tuple[np.ndarray, np.ndarray | None]:
    """The matching events' positions in ``index``, in the search's order, with their
    haversine ``a`` (None without a place)."""
    picked = _filtered(index, search)
    if search.lat is None or search.lon is None:
        return picked, None
    a = _haversine_a(index, picked, search.lat, search.lon)
    within = a <= math.sin(search.radius_km / (2 * EARTH_RADIUS_KM)) ** 2
    picked, a = picked[within], a[within]
    if search.order == "distance":  # stable: equal distances stay in date order, then id
        nearest = np.argsort(a, kind="stable")
        picked, a = picked[nearest], a[nearest]
    return picked, a


_BY_IDS = select(Event).where(Event.id.in_(bindparam("ids", expanding=True)))


def positions(session: Session, search: Search) -> list[tuple[float, float]]:
    """(lat, lon) of every event matching ``search``: as many as ``find_events`` counts."""
    index = search_index(session)
    picked, _a = matches(index, search)
    return list(zip(index.lat[picked].tolist(), index.lon[picked].tolist(), strict=True))


def load_events(session: Session, ids: Iterable[int]) -> dict[int, Event]:
    """Full event rows for some ids, by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {e.id: e for e in session.scalars(_BY_IDS, {"ids": wanted})}


@dataclass(frozen=True)
class PageOfIds:
    """Which events fall on one page of a search: their ids and distances (km), in order."""

    ids: list[int]
    kms: list[float | None]
    total: int
    page: int
    pages: int


def page_of(index: SearchIndex, search: Search, page: int, per_page: int) -> PageOfIds:
    """The ids on one page of ``search`` (a page past the last gives the last)."""
    picked, a = matches(index, search)
    total = len(picked)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)  # past the last page: the last page
    on_page = slice((page - 1) * per_page, page * per_page)
    ids = index.ids[picked[on_page]].tolist()
    kms = [None] * len(ids) if a is None else [arc_km(value) for value in a[on_page].tolist()]
    return PageOfIds(ids, kms, total, page, pages)


def find_events(
    session: Session, search: Search, page: int = 1, per_page: int = PAGE_SIZE
) -> Found:
    """One page of the events matching ``search`` (a page past the last gives the last)."""
    found = page_of(search_index(session), search, page, per_page)
    full = load_events(session, found.ids)
    # an event cancelled since the index was read is left out (the count catches up next read)
    shown = [
        (full[i], km)
        for i, km in zip(found.ids, found.kms, strict=True)
        if _still_listed(full.get(i))
    ]
    return Found(shown, found.total, found.page, found.pages)


def _still_listed(event: Event | None) -> bool:
    return event is not None and event.status == APPROVED


def upcoming_events_by_seat(since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
    """Approved events starting in [since, until) per seat code: ``{code: (events, going)}``."""
    rows = db_session().execute(
        select(Event.seat_code, func.count(Event.id), func.coalesce(func.sum(Event.going), 0))
        .where(Event.status == APPROVED, Event.seat_code.is_not(None))
        .where(Event.starts_at >= since, Event.starts_at < until)
        .group_by(Event.seat_code)
    )
    return {code: (int(events), int(going)) for code, events, going in rows}


def upcoming_events_in_seats(
    codes: Iterable[str], since: datetime, until: datetime, per_seat: int = 3
) -> dict[str, list[dict]]:
    """The first approved public events starting in [since, until) in each seat, soonest first.

    ``{code: [{"id", "title", "starts_at", "timezone", "venue", "going", "capacity",
    "chat_url", "lat", "lon"}]}`` (``timezone``: the event's own, to show its local time).
    """
    wanted = list(codes)
    found: dict[str, list[dict]] = {code: [] for code in wanted}
    if not wanted:
        return found
    rows = db_session().execute(
        _FIRST_IN_SEATS,
        {"codes": wanted, "since": since, "until": until, "per_seat": per_seat},
    )
    for row in rows.mappings():
        event = dict(row)
        found[event.pop("seat_code")].append(event)
    return found


def _first_in_seats():  # noqa: ANN202 - a select
    """The first ``per_seat`` approved public events of each seat in a window, soonest first.

    The database numbers each seat's events in date order (a window function)
    and returns only the first few per seat, as plain columns: a snapshot of
    every seat reads a few thousand small rows, not every upcoming event.
    """
    columns = (
        Event.id, Event.title, Event.starts_at, Event.timezone, Event.venue, Event.going,
        Event.capacity, Event.chat_url, Event.lat, Event.lon, Event.seat_code,
    )  # fmt: skip
    place = (
        func.row_number()
        .over(partition_by=Event.seat_code, order_by=(Event.starts_at, Event.id))
        .label("place")
    )
    numbered = (
        select(*columns, place)
        .where(Event.status == APPROVED, Event.seat_code.in_(bindparam("codes", expanding=True)))
        .where(Event.members_only.is_(False))
        .where(Event.starts_at >= bindparam("since"), Event.starts_at < bindparam("until"))
        .subquery()
    )
    return (
        select(*(numbered.c[column.key] for column in columns))
        .where(numbered.c.place <= bindparam("per_seat"))
        .order_by(numbered.c.starts_at, numbered.c.id)
    )


_FIRST_IN_SEATS = _first_in_seats()
