"""Finding events: near a position within a radius, by type and date window, a page at a time.

A bounding box on the indexed ``lat``/``lon`` columns picks candidates with
a plain range scan on SQLite and PostgreSQL alike (the index covers every
column the search reads); the database then keeps those really inside the
radius (``radius.within_radius``: plain arithmetic for nearly every row, the
haversine formula only near the edge), counts them in one query and returns
the ids of one page only, in order, in another: sorting with a ``LIMIT``
keeps only the page's rows, which costs less than numbering every match.
Full rows are read for that page alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, null, select
from sqlalchemy.orm import Session

from campaignkit.core.events.models import APPROVED, Event
from campaignkit.core.events.radius import (
    EARTH_RADIUS_KM,
    bounding_box,
    haversine_a,
    haversine_km,
    radius_values,
    within_radius,
)
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

    events: list[tuple[Event, float | None]]
    total: int
    page: int
    pages: int


def _filters(shape: tuple) -> list:
    """The conditions of a search of this shape, its values left as bound parameters."""
    located, _by_distance, types, start, end, members, boxed = shape
    conditions = [Event.status == APPROVED]
    if types:
        conditions.append(Event.type.in_(bindparam("types", expanding=True)))
    if start:
        conditions.append(Event.ends_at >= bindparam("start"))
    if end:
        conditions.append(Event.starts_at < bindparam("end"))
    if not members:
        conditions.append(Event.members_only.is_(False))
    if located:
        conditions += [
            Event.lat.between(bindparam("south"), bindparam("north")),
            Event.lon.between(bindparam("west"), bindparam("east")),
            within_radius(),
        ]
    if boxed:
        conditions += [
            Event.lat.between(bindparam("box_south"), bindparam("box_north")),
            Event.lon.between(bindparam("box_west"), bindparam("box_east")),
        ]
    return conditions


@functools.cache
def _page_statement(shape: tuple):  # noqa: ANN202 - a select
    """The query for one page of a search of this shape: (id, haversine ``a`` or None).

    Built once per shape (whether it has a place, its order, types, dates,
    members' events), so a search only binds its values. With a ``LIMIT``,
    the database keeps only the page's rows while it sorts.
    """
    located, by_distance = shape[:2]
    # in date order, the page's few distances are worked out afterwards (see find_events)
    a = (haversine_a() if located and by_distance else null()).label("a")
    order = (
        [a, Event.starts_at, Event.id] if located and by_distance else [Event.starts_at, Event.id]
    )
    return (
        select(Event.id, a)
        .where(*_filters(shape))
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@functools.cache
def _count_statement(shape: tuple):  # noqa: ANN202 - a select
    """The query counting the events that match a search of this shape."""
    return select(func.count()).select_from(Event).where(*_filters(shape))


def _shape_and_values(search: Search) -> tuple[tuple, dict]:
    """A search's shape (what its statement depends on) and the values to bind to it."""
    located = search.lat is not None and search.lon is not None
    shape = (
        located,
        search.order == "distance",
        bool(search.types),
        search.start is not None,
        search.end is not None,
        search.members,
        search.box is not None,
    )
    values: dict = {}
    if search.types:
        values["types"] = list(search.types)
    if search.start is not None:
        values["start"] = search.start
    if search.end is not None:
        values["end"] = search.end
    if located:
        south, north, west, east = bounding_box(search.lat, search.lon, search.radius_km)
        values |= {"south": south, "north": north, "west": west, "east": east}
        values |= radius_values(search.lat, search.lon, search.radius_km)
    if search.box is not None:
        south, north, west, east = search.box
        values |= {"box_south": south, "box_north": north, "box_west": west, "box_east": east}
    return shape, values


@functools.cache
def _positions_statement(shape: tuple):  # noqa: ANN202 - a select
    """The query for the positions of every event matching a search of this shape."""
    return select(Event.lat, Event.lon).where(*_filters(shape))


def _distance(search: Search, event: Event, a: float | None) -> float | None:
    """An event's great-circle distance (km) from the search's place (None without one),
    from the haversine's ``a`` when the database worked it out."""
    if a is not None:
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
    if search.lat is None or search.lon is None:
        return None
    return haversine_km(search.lat, search.lon, event.lat, event.lon)


_BY_IDS = select(Event).where(Event.id.in_(bindparam("ids", expanding=True)))


def positions(session: Session, search: Search) -> list[tuple[float, float]]:
    """(lat, lon) of every event matching ``search``: as many as ``find_events`` counts."""
    shape, values = _shape_and_values(search)
    return [(lat, lon) for lat, lon in session.execute(_positions_statement(shape), values)]


def load_events(session: Session, ids: Iterable[int]) -> dict[int, Event]:
    """Full event rows for some ids, by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {e.id: e for e in session.scalars(_BY_IDS, {"ids": wanted})}


def find_events(
    session: Session, search: Search, page: int = 1, per_page: int = PAGE_SIZE
) -> Found:
    """One page of the events matching ``search`` (a page past the last gives the last)."""
    shape, values = _shape_and_values(search)
    total = session.execute(_count_statement(shape), values).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)  # past the last page: the last page
    rows = []
    if total:
        limits = {"limit": per_page, "offset": (page - 1) * per_page}
        rows = session.execute(_page_statement(shape), values | limits).all()
    full = load_events(session, (row[0] for row in rows))
    return Found(
        [(full[i], _distance(search, full[i], a)) for i, a in rows if i in full], total, page, pages
    )


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
