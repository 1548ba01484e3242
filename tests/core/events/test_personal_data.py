"""Events in the personal-data rules: RSVPs and carpools of long-past events are anonymised."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from campaignkit.core.auth.models import utcnow
from campaignkit.core.events import personal_data
from campaignkit.core.events.models import CarpoolOffer, CarpoolSeat, Event, Rsvp
from campaignkit.core.session import db_session, write_session


def _event(session, days_from_now: int) -> Event:  # noqa: ANN001 - Session
    start = utcnow() + timedelta(days=days_from_now)
    event = Event(
        type="canvass", title="Doors", starts_at=start, ends_at=start + timedelta(hours=2),
        postcode="BS1 5TR", lat=51.45, lon=-2.59, status="approved",
    )  # fmt: skip
    session.add(event)
    session.flush()
    return event


def test_purge_anonymises_only_events_that_ended_before_the_cut_off(app):  # noqa: ANN001
    with app.test_request_context():
        with write_session() as session:
            past, coming = _event(session, -400), _event(session, 5)
            for event in (past, coming):
                session.add(Rsvp(event_id=event.id, name="Grace", email="grace@example.org"))
                offer = CarpoolOffer(
                    event_id=event.id, driver_name="Grace", driver_email="grace@example.org",
                    origin_postcode="BS6 5AB", lat=51.47, lon=-2.6, departs_at=event.starts_at,
                    seats=2, notes="blue van",
                )  # fmt: skip
                session.add(offer)
                session.flush()
                session.add(CarpoolSeat(offer_id=offer.id, rider_name="Al", rider_email="al@x.org"))
        with write_session() as session:
            changed = personal_data.purge(utcnow() - timedelta(days=365), session)
        with write_session() as session:
            again = personal_data.purge(utcnow() - timedelta(days=365), session)
        rsvps = {r.event_id: r for r in db_session().scalars(select(Rsvp))}
        offers = {o.event_id: o for o in db_session().scalars(select(CarpoolOffer))}
    assert changed == 3 and again == 0  # one RSVP, one offer, one seat; idempotent
    assert rsvps[past.id].email.startswith("(erased)") and rsvps[past.id].name == "(erased)"
    assert rsvps[coming.id].email == "grace@example.org"
    assert offers[past.id].notes == "" and offers[past.id].origin_postcode == "BS6"
    assert offers[coming.id].driver_email == "grace@example.org"
