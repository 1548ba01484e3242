"""The plugin's JSON API: ``GET /api/v1/marginals/seat-at`` and ``/nearest``.

Postcodes and positions both go through core (``geocode`` and ``seat_at``),
so a plugin that answers those hooks first answers here too. The queries and
answers are the pydantic models below, declared with core's ``api_operation``,
which also make these operations' part of ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, abort, url_for
from pydantic import BaseModel, Field

from campaignkit.core import (
    GeocodeError,
    Latitude,
    Longitude,
    api_operation,
    geocode,
    query_whole,
)
from campaignkit.core import seat_at as core_seat_at
from campaignkit.plugins.marginals.postcodes import parse
from campaignkit.plugins.marginals.ranking import MODES
from campaignkit.plugins.marginals.recommend import recommend

MAX_LIMIT = 50

api = Blueprint("marginals_api", __name__, url_prefix="/api/v1/marginals")


class PositionQuery(BaseModel):
    """A position in degrees."""

    lat: Latitude
    lon: Longitude


class SeatOut(BaseModel):
    """A seat: its code and name."""

    code: str
    name: str


class PlaceQuery(BaseModel):
    """Where to rank seats from (a postcode, or ``lat`` and ``lon``), how, and how many."""

    postcode: str = Field("", max_length=100, description="A postcode; else give lat and lon.")
    lat: Latitude = Field(None)
    lon: Longitude = Field(None)
    mode: Literal[MODES] = Field("nearest", description="How seats are ranked.")
    limit: query_whole(1, MAX_LIMIT) = 5


class PlaceOut(BaseModel):
    """The place ranked from: the postcode (tidied) or position, and its own seat."""

    postcode: str | None
    precision: str
    lat: float
    lon: float
    seat: str | None


class SeatEventOut(BaseModel):
    """An upcoming public event in a seat."""

    id: int
    title: str
    starts_at: str
    venue: str
    going: int
    capacity: int | None
    chat_url: str | None
    url: str


class RankedSeatOut(BaseModel):
    """A ranked seat: its figures, why it is suggested and its upcoming events."""

    code: str
    name: str
    distance_km: float
    winner: str
    majority: int
    majority_pct: float
    votes_to_win: int | None
    priority: int
    need_score: float
    reasons: list[str]
    events: list[SeatEventOut]


class RankedSeats(BaseModel):
    """The place asked about and the seats ranked for it."""

    query: PlaceOut
    seats: list[RankedSeatOut]


def _need(value: float | None, name: str) -> float:
    if value is None:
        abort(400, description=f"Give '{name}' as a number, e.g. ?lat=51.5&lon=-0.12.")
    return value


@api.get("/seat-at")
@api_operation(SeatOut, query=PositionQuery, errors=(400, 404), tag="marginals")
def seat_at(query: PositionQuery) -> SeatOut:
    """The seat whose boundary holds the position: ``{"code", "name"}``; 404 if none."""
    seat = core_seat_at(query.lat, query.lon)
    if seat is None:
        abort(404, description="No seat covers that position.")
    return SeatOut(code=seat.code, name=seat.name)


def _place(query: PlaceQuery) -> tuple[PlaceOut, float, float, str | None]:
    """The query's position from ``postcode`` or ``lat``/``lon``: (place, lat, lon, seat)."""
    postcode = query.postcode.strip()
    if postcode:
        try:
            place = geocode(postcode)
        except GeocodeError as error:
            abort(400 if error.kind == "invalid" else 404, description=error.message)
        lat, lon, precision = place.lat, place.lon, place.precision
        seat = place.seat.code if place.seat else None
        parsed = parse(postcode)
        postcode = parsed.text if parsed else postcode  # echo SW1A 1AA for sw1a1aa
    else:
        lat, lon = _need(query.lat, "lat"), _need(query.lon, "lon")
        found = core_seat_at(lat, lon)
        seat, precision = (found.code if found else None), "position"
    place = PlaceOut(postcode=postcode or None, precision=precision, lat=lat, lon=lon, seat=seat)
    return place, lat, lon, seat


@api.get("/nearest")
@api_operation(RankedSeats, query=PlaceQuery, errors=(400, 404), tag="marginals")
def nearest(query: PlaceQuery) -> RankedSeats:
    """Ranked seats for a postcode or position: ``?postcode=`` or ``?lat=&lon=``, mode, limit."""
    place, lat, lon, own = _place(query)
    found = recommend(lat, lon, query.mode, query.limit, own)
    seats = [
        {
            **vars(item),  # a shallow copy: asdict would deep-copy every list
            "events": [
                {**event, "starts_at": event["starts_at"].isoformat(), "url": _event_url(event)}
                for event in item.events
            ],
        }
        for item in found
    ]
    return RankedSeats.model_validate({"query": place, "seats": seats})


def _event_url(event: dict) -> str:
    return url_for("events.detail", event_id=event["id"])
