"""Finding events: near a position within a radius, by type and date window, a page at a time.

A bounding box on the indexed ``lat``/``lon`` columns picks candidates with
a plain range scan on SQLite and PostgreSQL alike; the exact great-circle
distance then keeps those really inside the radius. Only ids, positions and
start times are read for the candidates; full rows only for the page shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaignkit.core.events.models import APPROVED, Event
from campaignkit.core.session import db_session

EARTH_RADIUS_KM = 6371.0088
MAX_RADIUS_KM = 200.0
PAGE_SIZE = 20
#: The highest page number a search may ask for (a page past the last shows the last).
MAX_PAGE = 100_000


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two positions, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains the circle around a position."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    shrink = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 1e-6)
    dlon = min(180.0, dlat / shrink)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


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


def _filters(search: Search) -> list:
    conditions = [Event.status == APPROVED]
    if search.types:
        conditions.append(Event.type.in_(search.types))
    if search.start is not None:
        conditions.append(Event.ends_at >= search.start)
    if search.end is not None:
        conditions.append(Event.starts_at < search.end)
    if not search.members:
        conditions.append(Event.members_only.is_(False))
    if search.lat is not None and search.lon is not None:
        south, north, west, east = bounding_box(search.lat, search.lon, search.radius_km)
        conditions += [Event.lat.between(south, north), Event.lon.between(west, east)]
    if search.box is not None:
        south, north, west, east = search.box
        conditions += [Event.lat.between(south, north), Event.lon.between(west, east)]
    return conditions


def candidates(session: Session, search: Search) -> list[tuple[int, float | None]]:
    """(id, distance) of every matching event, in the search's order.

    The database sorts by start time; the exact distance is computed here for
    the candidates in the box (the haversine formula, unrolled for speed).
    """
    query = (
        select(Event.id, Event.lat, Event.lon)
        .where(*_filters(search))
        .order_by(Event.starts_at, Event.id)
    )
    rows = session.execute(query).all()
    if search.lat is None or search.lon is None:
        return [(row[0], None) for row in rows]
    sin, cos, asin, sqrt, rad = math.sin, math.cos, math.asin, math.sqrt, math.radians
    lat0, lon0, limit = rad(search.lat), rad(search.lon), search.radius_km
    cos0, diameter = cos(lat0), 2 * EARTH_RADIUS_KM
    found = []
    for event_id, lat, lon in rows:
        lat1 = rad(lat)
        a = sin((lat1 - lat0) / 2) ** 2 + cos0 * cos(lat1) * sin((rad(lon) - lon0) / 2) ** 2
        distance = diameter * asin(min(1.0, sqrt(a)))
        if distance <= limit:
            found.append((event_id, distance))
    if search.order == "distance":
        found.sort(key=lambda item: item[1])  # stable: ties stay in date order
    return found


def positions(session: Session, search: Search) -> list[tuple[float, float]]:
    """(lat, lon) of every event matching ``search``: as many as ``find_events`` counts."""
    rows = session.execute(select(Event.lat, Event.lon).where(*_filters(search))).all()
    if search.lat is None or search.lon is None:
        return [(lat, lon) for lat, lon in rows]
    near = (search.lat, search.lon)
    return [(lat, lon) for lat, lon in rows if haversine_km(*near, lat, lon) <= search.radius_km]


def load_events(session: Session, ids: Iterable[int]) -> dict[int, Event]:
    """Full event rows for some ids, by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(wanted)))}


def find_events(
    session: Session, search: Search, page: int = 1, per_page: int = PAGE_SIZE
) -> Found:
    """One page of the events matching ``search``."""
    found = candidates(session, search)
    pages = max(1, math.ceil(len(found) / per_page))
    page = min(max(1, page), pages)
    chosen = found[(page - 1) * per_page : page * per_page]
    rows = load_events(session, (item[0] for item in chosen))
    return Found([(rows[i], d) for i, d in chosen if i in rows], len(found), page, pages)


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
    rows = db_session().scalars(
        select(Event)
        .where(Event.status == APPROVED, Event.seat_code.in_(wanted))
        .where(Event.members_only.is_(False))
        .where(Event.starts_at >= since, Event.starts_at < until)
        .order_by(Event.starts_at, Event.id)
    )
    for event in rows:
        listed = found[event.seat_code]
        if len(listed) < per_seat:
            listed.append(
                {
                    "id": event.id,
                    "title": event.title,
                    "starts_at": event.starts_at,
                    "timezone": event.timezone,
                    "venue": event.venue,
                    "going": event.going,
                    "capacity": event.capacity,
                    "chat_url": event.chat_url,
                    "lat": event.lat,
                    "lon": event.lon,
                }
            )
    return found
