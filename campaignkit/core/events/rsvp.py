"""RSVPs: a place if one is free, else the waitlist; withdrawals promote the next in line.

Every change runs in one write transaction that first locks the event row
(``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the whole
database), so however many people press "I'll come" at once, ``going``
never passes ``capacity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import aware, utcnow
from campaignkit.core.events.models import APPROVED, GOING, WAITLIST, WITHDRAWN, Event, Rsvp
from campaignkit.core.events.notify import event_changed, tell_attendees
from campaignkit.core.inputs import max_length, one_line
from campaignkit.core.privacy.consent import normalise_email, record_consent
from campaignkit.core.session import write_session

RSVP_CONSENT = (
    "Keep my name and email address so the hosts of this event can tell me about it "
    "(changes, reminders, cancellation). I can withdraw at any time."
)
RSVP_CONSENT_VERSION = "events-rsvp-1"


class RsvpError(ValueError):
    """An RSVP that cannot be taken, with a message for the person."""


@dataclass(frozen=True)
class RsvpResult:
    """What happened: the RSVP's id and status, and whether it was new."""

    rsvp_id: int
    status: str
    created: bool


def locked_event(session: Session, event_id: int) -> Event:
    """The event row, locked for this transaction; raises RsvpError if it is gone."""
    event = session.get(Event, event_id, with_for_update=True, populate_existing=True)
    if event is None:
        raise RsvpError("That event does not exist.")
    return event


def promote(session: Session, event: Event) -> list[Rsvp]:
    """Move people from the waitlist into free places, first come first served."""
    promoted = []
    while event.capacity is None or event.going < event.capacity:
        waiting = session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.status == WAITLIST)
            .order_by(Rsvp.created_at, Rsvp.id)
            .limit(1)
        ).first()
        if waiting is None:
            break
        waiting.status = GOING
        event.going += 1
        promoted.append(waiting)
    return promoted


def take_rsvp(
    event_id: int, *, name: str, email: str, user_id: int | None = None, consent: bool = False
) -> RsvpResult:
    """Add someone to an event (or its waitlist); raises RsvpError with a reason.

    Guests (no ``user_id``) must have ticked the consent box; their consent is
    recorded with the RSVP, in the same transaction.
    """
    name = one_line(name)
    if len(name) > max_length(Rsvp.name):
        raise RsvpError(f"Please shorten your name to {max_length(Rsvp.name)} characters.")
    name, email = name.strip(), normalise_email(email)
    if not name or "@" not in email or len(email) > 320 or len(name) > 200:
        raise RsvpError("Please give your name and a valid email address.")
    if user_id is None and not consent:
        raise RsvpError("Please tick the box so we may keep your details for this event.")
    with write_session() as session:
        event = locked_event(session, event_id)
        if event.status != APPROVED:
            raise RsvpError("This event is not open for RSVPs.")
        if aware(event.ends_at) <= datetime.now(UTC):
            raise RsvpError("This event has already finished.")
        existing = session.scalars(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.email == email)
        ).first()
        if existing is not None and existing.status in (GOING, WAITLIST):
            return RsvpResult(existing.id, existing.status, False)
        full = event.capacity is not None and event.going >= event.capacity
        status = WAITLIST if full else GOING
        if status == GOING:
            event.going += 1
        if existing is None:
            existing = Rsvp(event_id=event.id, email=email, created_at=utcnow())
            session.add(existing)
        existing.name, existing.user_id, existing.status = name, user_id, status
        if user_id is None:
            record_consent(
                session,
                email=email,
                purpose="events.rsvp",
                wording=RSVP_CONSENT,
                version=RSVP_CONSENT_VERSION,
                source=f"event:{event.id}",
            )
        session.flush()
        result = RsvpResult(existing.id, status, True)
    change = f"Can't come after all? Let the hosts know: {withdraw_link(event.id, email)}"
    if status == GOING:
        tell_attendees(event, [email], "You're going", f"Thanks! Your place is saved.\n\n{change}")
    else:
        body = f"We'll tell you if a place frees up.\n\n{change}"
        tell_attendees(event, [email], "On the waitlist", body)
    event_changed(event, "rsvp", existing)
    return result


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="campaignkit-events-rsvp")


def withdraw_link(event_id: int, email: str) -> str:
    """A link that lets the person behind an RSVP take it back, without signing in."""
    token = _signer().dumps([event_id, normalise_email(email)])
    return url_for("events.withdraw_by_link", token=token, _external=True)


def read_withdraw_token(token: str) -> tuple[int, str] | None:
    """(event id, email) from a withdraw link's token, or None when it was tampered with."""
    try:
        event_id, email = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return int(event_id), str(email)


def withdraw(event_id: int, email: str) -> list[Rsvp]:
    """Take someone off an event; returns the people promoted from the waitlist (now told)."""
    with write_session() as session:
        event = locked_event(session, event_id)
        rsvp = session.scalars(
            select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.email == normalise_email(email))
        ).first()
        if rsvp is None or rsvp.status == WITHDRAWN:
            return []
        if rsvp.status == GOING:
            event.going -= 1
        rsvp.status = WITHDRAWN
        promoted = promote(session, event)
    tell_attendees(
        event,
        [p.email for p in promoted],
        "A place is yours",
        "A place came free and you have moved off the waitlist. See you there!",
    )
    event_changed(event, "rsvp", rsvp)
    return promoted


def rsvps_of(session: Session, event_id: int, *statuses: str) -> list[Rsvp]:
    """An event's RSVPs with the given statuses (all when none given), oldest first."""
    query = select(Rsvp).where(Rsvp.event_id == event_id)
    if statuses:
        query = query.where(Rsvp.status.in_(statuses))
    return list(session.scalars(query.order_by(Rsvp.created_at, Rsvp.id)))


def mark_attendance(event_id: int, attended: dict[int, bool]) -> int:
    """Record who came (RSVP id -> came?); returns how many were marked."""
    with write_session() as session:
        marked = 0
        for rsvp in rsvps_of(session, event_id, GOING):
            if rsvp.id in attended:
                rsvp.attended = attended[rsvp.id]
                marked += 1
    return marked
