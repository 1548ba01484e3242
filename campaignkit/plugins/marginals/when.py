"""When an event is, in the kit's local days: "today, 19:00 BST", "tomorrow, 00:30 BST".

Days are the kit's local days, never UTC's: in the UK an event at 00:30 BST on
a Wednesday starts at 23:30 UTC on the Tuesday, yet it is Wednesday's event,
and at 23:50 BST on the Tuesday it is "tomorrow". A kit with
``local_timezones`` in ``[election]`` (the US kit) uses each event's own zone;
any other kit uses its ``[election] timezone`` (Europe/London by default).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from campaignkit.core import in_zone, kit

#: The zone of a kit that names none.
DEFAULT_ZONE = "Europe/London"


def local_zone(event_zone: str | None = None) -> str:
    """The zone whose calendar an event's day is read in: the kit's, or the event's own."""
    election = kit().election or {}
    if election.get("local_timezones") and event_zone:
        return event_zone
    return str(election.get("timezone") or DEFAULT_ZONE)


def local_start(event: dict) -> datetime:
    """An upcoming event's start (from ``upcoming_events_in_seats``) in its local zone."""
    return in_zone(event["starts_at"], local_zone(event.get("timezone")))


def day_words(moment: datetime, now: datetime) -> str:
    """ "today", "tomorrow" or "Saturday 5 September": ``moment``'s day, in its own zone,
    seen from ``now`` (an aware time) in that zone."""
    today = now.astimezone(moment.tzinfo).date()
    if moment.date() == today:
        return "today"
    if moment.date() == today + timedelta(days=1):
        return "tomorrow"
    return f"{moment:%A %-d %B}"


def session_when(event: dict, now: datetime) -> str:
    """When an upcoming event starts, seen from ``now``: "tomorrow, 00:30 BST"."""
    start = local_start(event)
    return f"{day_words(start, now)}, {start:%H:%M %Z}"
