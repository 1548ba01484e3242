"""Creating, changing, moderating and cancelling events, for pages, the API and commands.

Each function does its work in one write transaction, then tells plugins
(``campaignkit_event_changed``) and people (mail) once it is committed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaignkit.core.auth.access import has_permission
from campaignkit.core.auth.models import User, utcnow
from campaignkit.core.events import notify
from campaignkit.core.events.models import (
    APPROVED,
    CANCELLED,
    GOING,
    PENDING,
    REJECTED,
    WAITLIST,
    Event,
    EventHost,
)
from campaignkit.core.events.rsvp import locked_event, promote, rsvps_of
from campaignkit.core.events.settings import DEFAULTS, banned_words, get_setting
from campaignkit.core.events.validation import EventInvalid, clean_capacity
from campaignkit.core.parsing import ParseError, in_zone, parse_int
from campaignkit.core.session import write_session


def is_host(session: Session, event: Event, user: Any) -> bool:
    """True when ``user`` hosts the event."""
    if not getattr(user, "is_authenticated", False):
        return False
    return session.get(EventHost, (event.id, user.id)) is not None


def hosted_by(session: Session, event: Event) -> str | None:
    """Who hosts the event, for its page: "Sam", "Sam and Priya", "a local volunteer".

    Only the first names hosts chose to give are shown, never an address;
    hosts without one are "a local volunteer". None when nobody hosts it (an
    organiser's import without a host).
    """
    rows = session.execute(
        select(User.id, User.name)
        .join(EventHost, EventHost.user_id == User.id)
        .where(EventHost.event_id == event.id)
        .order_by(User.id != event.created_by, User.id)
    ).all()
    if not rows:
        return None
    names = [name for _id, name in rows if name]
    if not names:
        return "a local volunteer"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def may_manage(session: Session, event: Event, user: Any) -> bool:
    """True for the event's hosts and for moderators."""
    return is_host(session, event, user) or has_permission(user, "events.moderate")


def is_trusted(session: Session, user: User | None) -> bool:
    """True for hosts holding ``events.publish`` or with enough approved events (and commands)."""
    if user is None or has_permission(user, "events.publish"):
        return True
    approved = session.scalar(
        select(func.count())
        .select_from(Event)
        .join(EventHost, EventHost.event_id == Event.id)
        .where(EventHost.user_id == user.id, Event.status.in_((APPROVED, CANCELLED)))
    )
    try:
        needed = parse_int(get_setting(session, "trusted_after"), 0, 10_000)
    except ParseError:  # saved before the settings form read it strictly ("²")
        needed = int(DEFAULTS["trusted_after"])
    return approved >= needed


def needs_moderation(session: Session, values: dict[str, Any], user: User | None) -> bool:
    """Whether an event waits for a moderator.

    Trusted hosts publish at once. Anyone else's event waits when a banned
    word appears in its title, description or venue, or when the group holds
    every new host's events (the ``hold_new_hosts`` setting).
    """
    if is_trusted(session, user):
        return False
    text = " ".join(str(values.get(k) or "") for k in ("title", "description", "venue")).lower()
    if set(re.findall(r"[\w']+", text)) & set(banned_words(session)):
        return True
    return get_setting(session, "hold_new_hosts") == "yes"


def create_event(values: dict[str, Any], user: User | None) -> Event:
    """Save a validated event hosted by ``user``; approved at once or queued for moderation."""
    with write_session() as session:
        status = PENDING if needs_moderation(session, values, user) else APPROVED
        event = Event(**values, status=status, going=0, created_by=user.id if user else None)
        event.created_at = event.updated_at = utcnow()
        session.add(event)
        session.flush()
        if user is not None:
            session.add(EventHost(event_id=event.id, user_id=user.id))
    notify.event_changed(event, "created")
    notify.tell_hosts_and_moderators(
        event, "published" if status == APPROVED else "submitted for moderation"
    )
    if status == APPROVED:
        notify.event_changed(event, "approved")
    return event


def update_event(event_id: int, values: dict[str, Any]) -> Event:
    """Change an event; the capacity may not fall below the places taken. Tells attendees."""
    with write_session() as session:
        event = locked_event(session, event_id)
        try:
            clean_capacity(values.get("capacity") or "", event.going)
        except ValueError as exc:
            raise EventInvalid({"capacity": str(exc)}) from None
        for key, value in values.items():
            setattr(event, key, value)
        event.updated_at = utcnow()
        promoted = promote(session, event)
        going = [r.email for r in rsvps_of(session, event.id, GOING)]
    notify.event_changed(event, "updated")  # before the mail, which may take a while
    notify.tell_attendees(event, going, "Event changed", "The hosts changed the event's details.")
    notify.tell_attendees(
        event, [p.email for p in promoted], "A place is yours", "You are off the waitlist."
    )
    return event


def moderate(event_id: int, approve: bool, note: str = "") -> Event:
    """Approve or reject a pending event; the hosts and moderators are told."""
    with write_session() as session:
        event = locked_event(session, event_id)
        event.status = APPROVED if approve else REJECTED
        event.moderation_note = note.strip()[:2000]
        event.updated_at = utcnow()
    notify.event_changed(event, "approved" if approve else "rejected")
    notify.tell_hosts_and_moderators(event, "approved" if approve else "rejected")
    return event


def cancel_event(event_id: int, reason: str = "") -> Event:
    """Cancel an event and tell everyone who said they would come (and the waitlist)."""
    with write_session() as session:
        event = locked_event(session, event_id)
        event.status = CANCELLED
        event.updated_at = utcnow()
        told = [r.email for r in rsvps_of(session, event.id, GOING, WAITLIST)]
    notify.event_changed(event, "cancelled")
    body = "Sorry: this event has been cancelled." + (f"\n\n{reason.strip()}" if reason else "")
    notify.tell_attendees(event, told, "Cancelled", body)
    return event


#: Fields copied when an event is duplicated (everything but times, state and people).
COPIED = (
    *("type", "title", "description", "timezone", "venue", "address", "postcode"),
    *("lat", "lon", "seat_code", "seat_name", "capacity", "members_only", "chat_url"),
    "accessibility",
)


def form_values(event: Event) -> dict[str, str]:
    """An event's fields as the edit form shows them (local date and times)."""
    start, end = in_zone(event.starts_at, event.timezone), in_zone(event.ends_at, event.timezone)
    values = {key: getattr(event, key) for key in COPIED}
    values.update(
        date=start.strftime("%Y-%m-%d"),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        end_date=end.strftime("%Y-%m-%d"),
        capacity="" if event.capacity is None else str(event.capacity),
        chat_url=event.chat_url or "",
    )
    return values
