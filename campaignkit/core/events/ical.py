"""Calendar files: one ``.ics`` per event and a feed of upcoming events (RFC 5545).

Both take the same search arguments as the find page, so a feed can be
"canvassing within 10 km of SW1A". Times are written in UTC so every
calendar program shows them right without a VTIMEZONE block.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, request, url_for
from icalendar import Calendar
from icalendar import Event as IcsEvent

from campaignkit.core.auth.models import aware
from campaignkit.core.events.finding import SearchError, read_search
from campaignkit.core.events.models import CANCELLED, Event
from campaignkit.core.events.queries import find_events
from campaignkit.core.events.settings import event_types
from campaignkit.core.events.views import bp, visible_event
from campaignkit.core.session import db_session
from campaignkit.core.urls import public_host

FEED_LIMIT = 500


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//campaignkit//events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def ics_event(event: Event) -> IcsEvent:
    """One event as an iCalendar VEVENT."""
    item = IcsEvent()
    item.add("uid", f"event-{event.id}@{public_host()}")
    item.add("dtstamp", datetime.now(UTC))
    item.add("dtstart", aware(event.starts_at).astimezone(UTC))
    item.add("dtend", aware(event.ends_at).astimezone(UTC))
    item.add("summary", event.title)
    item.add("description", event.description)
    item.add("location", ", ".join(p for p in (event.venue, event.address, event.postcode) if p))
    item.add("geo", (event.lat, event.lon))
    item.add("url", url_for("events.detail", event_id=event.id, _external=True))
    item.add("last-modified", aware(event.updated_at).astimezone(UTC))
    item.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    return item


def _response(calendar: Calendar, filename: str) -> Response:
    response = Response(calendar.to_ical(), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<int:event_id>.ics")
def ics(event_id: int):
    """One event as a calendar file."""
    event = visible_event(event_id)
    calendar = _calendar(event.title)
    calendar.add_component(ics_event(event))
    return _response(calendar, f"event-{event.id}.ics")


@bp.get("/feed.ics")
def feed():
    """Upcoming events (the first 500 matching the search) as a calendar feed."""
    try:
        search, _label = read_search(request.args, event_types())
    except SearchError as exc:
        abort(400, description=str(exc))
    found = find_events(db_session(), search, 1, FEED_LIMIT)
    calendar = _calendar("Campaign events")
    for event, _distance in found.events:
        calendar.add_component(ics_event(event))
    return _response(calendar, "events.ics")
