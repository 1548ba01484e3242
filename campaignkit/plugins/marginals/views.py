"""The plugin's JSON API: ``GET /api/v1/marginals/seat-at`` and ``/nearest``.

Postcodes and positions both go through core (``geocode`` and ``seat_at``),
so a plugin that answers those hooks first answers here too.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for

from campaignkit.core import GeocodeError, ParseError, geocode, parse_float, query_int
from campaignkit.core import seat_at as core_seat_at
from campaignkit.plugins.marginals.postcodes import parse
from campaignkit.plugins.marginals.ranking import MODES
from campaignkit.plugins.marginals.recommend import recommend

MAX_LIMIT = 50

api = Blueprint("marginals_api", __name__, url_prefix="/api/v1/marginals")


def _coordinate(name: str, limit: float) -> float:
    text = request.args.get(name, "").strip()
    if not text:
        abort(400, description=f"Give '{name}' as a number, e.g. ?lat=51.5&lon=-0.12.")
    try:
        return parse_float(text, -limit, limit, f"'{name}'")
    except ParseError as exc:
        abort(400, description=str(exc))


@api.get("/seat-at")
def seat_at():
    """The seat whose boundary holds the position: ``{"code", "name"}``; 404 if none."""
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    seat = core_seat_at(lat, lon)
    if seat is None:
        abort(404, description="No seat covers that position.")
    return jsonify(code=seat.code, name=seat.name)


def _place() -> tuple[dict, float, float, str | None]:
    """The query's position from ``postcode`` or ``lat``/``lon``: (query dict, lat, lon, seat)."""
    postcode = request.args.get("postcode", "").strip()
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
        lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
        found = core_seat_at(lat, lon)
        seat, precision = (found.code if found else None), "position"
    query = {"postcode": postcode or None, "precision": precision, "lat": lat, "lon": lon}
    return {**query, "seat": seat}, lat, lon, seat


@api.get("/nearest")
def nearest():
    """Ranked seats for a postcode or position: ``?postcode=`` or ``?lat=&lon=``, mode, limit."""
    mode = request.args.get("mode", "nearest")
    if mode not in MODES:
        abort(400, description=f"'mode' must be one of {', '.join(MODES)}.")
    limit = query_int("limit", 5, 1, MAX_LIMIT)
    query, lat, lon, own = _place()
    found = recommend(lat, lon, mode, limit, own)
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
    return jsonify(query=query, seats=seats)


def _event_url(event: dict) -> str:
    return url_for("events.detail", event_id=event["id"])
