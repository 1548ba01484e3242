"""The JSON API: ``GET /api/v1/events?near=POSTCODE&radius_km=&type=&from=&to=&page=``.

``lat`` and ``lon`` may replace ``near``. Public events only (members' events
need a signed-in member). The query and the answer are the pydantic models
below, which also make the operation's part of ``/api/v1/openapi.json``;
errors come back as ``{"error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, abort, request
from pydantic import BaseModel, Field

from campaignkit.core.apispec import (
    Latitude,
    Longitude,
    api_operation,
    query_day,
    query_decimal,
    query_whole,
)
from campaignkit.core.auth.models import aware
from campaignkit.core.events.finding import SearchError, read_search
from campaignkit.core.events.listing import ListedEvent, find_listed
from campaignkit.core.events.models import Event
from campaignkit.core.events.queries import MAX_PAGE, MAX_RADIUS_KM
from campaignkit.core.events.settings import event_types
from campaignkit.core.session import db_session
from campaignkit.core.urls import public_url_pattern

bp = Blueprint("events_api", __name__, url_prefix="/api/v1/events")
MAX_PER_PAGE = 100
DATE_TIME = {"format": "date-time"}


class EventQuery(BaseModel):
    """The search: a place (``near`` or ``lat`` and ``lon``), kinds, dates and a page."""

    near: str = Field(None, max_length=100, description="A postcode to search around.")
    lat: Latitude = Field(None)
    lon: Longitude = Field(None)
    radius_km: query_decimal(0.1, MAX_RADIUS_KM, "25") = Field(None)
    type: list[str] = Field(
        default_factory=list, description="Event types, repeated or comma-separated."
    )
    from_: query_day() = Field(None, alias="from")
    to: query_day() = Field(None)
    order: Literal["distance", "date"] = Field(None)
    page: query_whole(1, MAX_PAGE) = 1
    per_page: query_whole(1, MAX_PER_PAGE) = 20


class SeatOut(BaseModel):
    """A constituency or district: its code and name."""

    code: str
    name: str


class EventOut(BaseModel):
    """An event as the API shows it."""

    id: int
    type: str
    title: str
    description: str
    starts_at: str = Field(json_schema_extra=DATE_TIME)
    ends_at: str = Field(json_schema_extra=DATE_TIME)
    timezone: str
    venue: str
    postcode: str
    lat: float
    lon: float
    seat: SeatOut | None
    capacity: int | None
    places_left: int | None
    members_only: bool
    accessibility: str
    distance_km: float | None
    url: str
    ics: str


class EventList(BaseModel):
    """One page of the events found, nearest first when a place is given."""

    near: str | None
    radius_km: float | None
    total: int
    page: int
    pages: int
    events: list[EventOut]


class EventLinks:
    """The full addresses of events' pages and calendar files, each built from one pattern."""

    def __init__(self) -> None:
        self.page = public_url_pattern("events.detail", "event_id")
        self.calendar = public_url_pattern("events.ics", "event_id")


def event_json(event: Event | ListedEvent, distance: float | None, links: EventLinks) -> EventOut:
    """An event as the API shows it (``links`` built once per list)."""
    return EventOut(
        id=event.id,
        type=event.type,
        title=event.title,
        description=event.description,
        starts_at=aware(event.starts_at).isoformat(),
        ends_at=aware(event.ends_at).isoformat(),
        timezone=event.timezone,
        venue=event.venue,
        postcode=event.postcode,
        lat=event.lat,
        lon=event.lon,
        seat={"code": event.seat_code, "name": event.seat_name or ""} if event.seat_code else None,
        capacity=event.capacity,
        places_left=event.places_left,
        members_only=event.members_only,
        accessibility=event.accessibility,
        distance_km=None if distance is None else round(distance, 2),
        url=links.page(event.id),
        ics=links.calendar(event.id),
    )


@bp.get("")
@api_operation(EventList, query=EventQuery, errors=(400,), tag="events")
def search(query: EventQuery) -> EventList:
    """Events matching the search, nearest first when a place is given."""
    try:  # the query is well formed; this reads what it means (a postcode, known types)
        found_search, label = read_search(request.args, event_types(), order="distance")
    except SearchError as exc:
        abort(400, description=str(exc))
    found = find_listed(db_session(), found_search, query.page, query.per_page)
    links = EventLinks()
    return EventList(
        near=label or None,
        radius_km=found_search.radius_km if found_search.lat is not None else None,
        total=found.total,
        page=found.page,
        pages=found.pages,
        events=[event_json(e, d, links) for e, d in found.events],
    )
