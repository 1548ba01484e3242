"""Where an event is, in words and links: no map service, no API key.

A ``geo:`` URI (RFC 5870) opens the phone's own maps app; the OpenStreetMap
link works in any browser. Mails and the event page use the same words.
"""

from __future__ import annotations

from urllib.parse import quote

from campaignkit.core.events.models import Event
from campaignkit.core.parsing import in_zone


def osm_link(lat: float, lon: float) -> str:
    """An OpenStreetMap page with a marker at the position."""
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"
    )


def geo_uri(lat: float, lon: float, label: str = "") -> str:
    """A ``geo:`` URI that opens the position in the device's maps app, labelled."""
    name = f"({quote(label, safe='')})" if label else ""
    return f"geo:{lat:.5f},{lon:.5f}?q={lat:.5f},{lon:.5f}{name}"


def where_words(event: Event) -> str:
    """The venue, address and postcode given: "Library, 1 Example Street, SW1A 1AA"."""
    parts = [event.venue, " ".join((event.address or "").split()), event.postcode]
    return ", ".join(part for part in parts if part)


def when_words(event: Event) -> str:
    """When, in the event's own time zone: "Saturday 5 December 2026, 10:00 to 13:00 (GMT)"."""
    start, end = in_zone(event.starts_at, event.timezone), in_zone(event.ends_at, event.timezone)
    until = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%-d %B %H:%M")
    return f"{start:%A %-d %B %Y, %H:%M} to {until} ({start.tzname()})"


def mail_summary(event: Event) -> str:
    """When, where and a map link, as lines for a mail."""
    lines = [f"When: {when_words(event)}", f"Where: {where_words(event)}"]
    if event.lat is not None and event.lon is not None:
        lines.append(f"Map: {osm_link(event.lat, event.lon)}")
    return "\n".join(lines)
