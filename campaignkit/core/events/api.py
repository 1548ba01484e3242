"""The JSON API: ``GET /api/v1/events?near=POSTCODE&radius_km=&type=&from=&to=&page=``.

``lat`` and ``lon`` may replace ``near``. Public events only (members' events
need a signed-in member). Errors come back as ``{"error": ..., "message": ...}``
with status 400.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from campaignkit.core.auth.models import aware
from campaignkit.core.events.finding import SearchError, read_search
from campaignkit.core.events.models import Event
from campaignkit.core.events.queries import MAX_PAGE, find_events
from campaignkit.core.events.settings import event_types
from campaignkit.core.parsing import query_int
from campaignkit.core.session import db_session

bp = Blueprint("events_api", __name__, url_prefix="/api/v1/events")
MAX_PER_PAGE = 100


def event_json(event: Event, distance: float | None) -> dict:
    """An event as the API shows it."""
    return {
        "id": event.id,
        "type": event.type,
        "title": event.title,
        "description": event.description,
        "starts_at": aware(event.starts_at).isoformat(),
        "ends_at": aware(event.ends_at).isoformat(),
        "timezone": event.timezone,
        "venue": event.venue,
        "postcode": event.postcode,
        "lat": event.lat,
        "lon": event.lon,
        "seat": {"code": event.seat_code, "name": event.seat_name} if event.seat_code else None,
        "capacity": event.capacity,
        "places_left": event.places_left,
        "members_only": event.members_only,
        "accessibility": event.accessibility,
        "distance_km": None if distance is None else round(distance, 2),
        "url": url_for("events.detail", event_id=event.id, _external=True),
        "ics": url_for("events.ics", event_id=event.id, _external=True),
    }


@bp.get("")
def search():
    """Events matching the search, nearest first when a place is given."""
    try:
        found_search, label = read_search(request.args, event_types(), order="distance")
    except SearchError as exc:
        return jsonify(error="Bad Request", message=str(exc), status=400), 400
    page = query_int("page", 1, 1, MAX_PAGE)
    per_page = query_int("per_page", 20, 1, MAX_PER_PAGE)
    found = find_events(db_session(), found_search, page, per_page)
    return jsonify(
        near=label or None,
        radius_km=found_search.radius_km if found_search.lat is not None else None,
        total=found.total,
        page=found.page,
        pages=found.pages,
        events=[event_json(e, d) for e, d in found.events],
    )
