"""What events store about a person (RSVPs, carpools, events hosted), for export and erasure.

Erasure anonymises rather than deletes, so an event's numbers (who came,
how many seats a car had) still add up: names and addresses are replaced by
``(erased)`` plus the row's id, because an event cannot hold two RSVPs with
the same address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from campaignkit.core.events.models import CarpoolOffer, CarpoolSeat, Event, EventHost, Rsvp
from campaignkit.core.privacy.subject import DataSubject

ERASED = "(erased)"


def _by_person(email_column: Any, user_column: Any, subject: DataSubject) -> Any:
    condition = func.lower(email_column) == subject.email
    if subject.user_id is not None:
        condition = or_(condition, user_column == subject.user_id)
    return condition


def personal_data(subject: DataSubject, session: Session) -> dict[str, Any]:
    """The subject's RSVPs, carpool offers and seats, and the events they created or host."""
    rsvps = session.execute(
        select(Rsvp, Event.title, Event.starts_at)
        .join(Event, Event.id == Rsvp.event_id)
        .where(_by_person(Rsvp.email, Rsvp.user_id, subject))
    )
    offers = session.scalars(
        select(CarpoolOffer).where(
            _by_person(CarpoolOffer.driver_email, CarpoolOffer.user_id, subject)
        )
    )
    seats = session.scalars(
        select(CarpoolSeat).where(_by_person(CarpoolSeat.rider_email, CarpoolSeat.user_id, subject))
    )
    data: dict[str, Any] = {
        "event_rsvps": [
            {
                "event": title,
                "starts_at": starts,
                "name": r.name,
                "email": r.email,
                "status": r.status,
                "attended": r.attended,
                "created_at": r.created_at,
            }
            for r, title, starts in rsvps
        ],  # fmt: skip
        "carpool_offers": [
            {
                "event_id": o.event_id,
                "name": o.driver_name,
                "email": o.driver_email,
                "from": o.origin_postcode,
                "departs_at": o.departs_at,
                "seats": o.seats,
                "notes": o.notes,
                "share_contact": o.share_contact,
            }
            for o in offers
        ],  # fmt: skip
        "carpool_seats": [
            {
                "offer_id": s.offer_id,
                "name": s.rider_name,
                "email": s.rider_email,
                "share_contact": s.share_contact,
                "created_at": s.created_at,
            }
            for s in seats
        ],  # fmt: skip
    }
    if subject.user_id is not None:
        hosted = select(EventHost.event_id).where(EventHost.user_id == subject.user_id)
        events = session.scalars(
            select(Event).where(or_(Event.created_by == subject.user_id, Event.id.in_(hosted)))
        )
        data["events_created_or_hosted"] = [
            {"title": e.title, "starts_at": e.starts_at, "postcode": e.postcode, "status": e.status}
            for e in events
        ]
    return data


def _anonymise_rsvps(session: Session, condition: Any) -> int:
    rows = list(session.scalars(select(Rsvp).where(condition)))
    for row in rows:
        row.name, row.email, row.user_id = ERASED, f"{ERASED}-{row.id}", None
    return len(rows)


def _anonymise_carpools(session: Session, offers: Any, seats: Any) -> int:
    changed = 0
    for offer in session.scalars(select(CarpoolOffer).where(offers)):
        offer.driver_name, offer.driver_email = ERASED, f"{ERASED}-{offer.id}"
        offer.user_id, offer.notes, offer.share_contact = None, "", False
        offer.origin_postcode = offer.origin_postcode.split(" ")[0]  # the district only
        changed += 1
    for seat in session.scalars(select(CarpoolSeat).where(seats)):
        seat.rider_name, seat.rider_email = ERASED, f"{ERASED}-{seat.id}"
        seat.user_id, seat.share_contact = None, False
        changed += 1
    return changed


def erase(subject: DataSubject, session: Session) -> int:
    """Anonymise the subject's RSVPs and carpools; unlink them from events they created or host."""
    changed = _anonymise_rsvps(session, _by_person(Rsvp.email, Rsvp.user_id, subject))
    changed += _anonymise_carpools(
        session,
        _by_person(CarpoolOffer.driver_email, CarpoolOffer.user_id, subject),
        _by_person(CarpoolSeat.rider_email, CarpoolSeat.user_id, subject),
    )
    session.flush()
    if subject.user_id is not None:
        uid = subject.user_id
        changed += session.execute(delete(EventHost).where(EventHost.user_id == uid)).rowcount
        changed += session.execute(
            update(Event).where(Event.created_by == uid).values(created_by=None)
        ).rowcount
    return changed


def purge(older_than: datetime, session: Session) -> int:
    """Anonymise RSVPs and carpools of events that ended before the cut-off."""
    ended = select(Event.id).where(Event.ends_at < older_than)
    old_offers = select(CarpoolOffer.id).where(CarpoolOffer.event_id.in_(ended))
    not_yet = ~Rsvp.email.startswith(ERASED)
    changed = _anonymise_rsvps(session, Rsvp.event_id.in_(ended) & not_yet)
    changed += _anonymise_carpools(
        session,
        CarpoolOffer.event_id.in_(ended) & ~CarpoolOffer.driver_email.startswith(ERASED),
        CarpoolSeat.offer_id.in_(old_offers) & ~CarpoolSeat.rider_email.startswith(ERASED),
    )
    return changed
