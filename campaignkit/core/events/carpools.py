"""Carpools: drivers offer seats from a postcode at a time; riders claim them.

Seats are claimed in a write transaction that locks the offer, so an offer
is never overbooked. Contact details go between driver and rider only when
both ticked the box to share them (each recorded as consent).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from campaignkit.core.auth.access import signin_required
from campaignkit.core.events.models import APPROVED, CarpoolOffer, CarpoolSeat, Event
from campaignkit.core.events.settings import RSVP_RATE, get_setting
from campaignkit.core.events.validation import clock_time, locate_postcode
from campaignkit.core.geo import GeocodeError
from campaignkit.core.inputs import max_length, one_line
from campaignkit.core.parsing import ParseError, in_zone, parse_int
from campaignkit.core.privacy.consent import record_consent
from campaignkit.core.ratelimit import rate_limited
from campaignkit.core.session import db_session, write_session

bp = Blueprint("carpools", __name__, url_prefix="/events")
SHARE_WORDING = "Share my email address with the people in this carpool."
SHARE_VERSION = "carpool-share-1"


class CarpoolError(ValueError):
    """A seat or offer that cannot be taken, with a message for the person."""


def _share(session, email: str, source: str) -> None:  # noqa: ANN001
    record_consent(
        session, email=email, purpose="events.carpool.contact", wording=SHARE_WORDING,
        version=SHARE_VERSION, source=source, user_id=current_user.id,
    )  # fmt: skip


def claim_seat(offer_id: int, user, share_contact: bool, name: str = "") -> CarpoolSeat:  # noqa: ANN001
    """Take one seat of an offer; raises CarpoolError when it is full or already yours.

    ``name`` is what the driver sees (a first name); the email address only
    with consent on both sides.
    """
    with write_session() as session:
        offer = session.get(CarpoolOffer, offer_id, with_for_update=True, populate_existing=True)
        event = session.get(Event, offer.event_id) if offer is not None else None
        if offer is None or event is None or event.status != APPROVED:
            raise CarpoolError("That lift is no longer offered.")
        taken = session.scalars(
            select(CarpoolSeat).where(
                CarpoolSeat.offer_id == offer.id, CarpoolSeat.rider_email == user.email
            )
        ).first()
        if taken is not None:
            raise CarpoolError("You already have a seat in this car.")
        if offer.taken >= offer.seats:
            raise CarpoolError("Sorry, that car is full.")
        offer.taken += 1
        seat = CarpoolSeat(
            offer_id=offer.id, user_id=user.id, rider_name=one_line(name)[:60] or "A volunteer",
            rider_email=user.email, share_contact=share_contact,
        )  # fmt: skip
        session.add(seat)
        if share_contact:
            _share(session, user.email, f"carpool:{offer.id}")
    return seat


@bp.route("/<int:event_id>/carpools/offer", methods=["GET", "POST"])
@rate_limited(RSVP_RATE)
@signin_required
def offer(event_id: int):
    """Offer seats in your car to an event."""
    event = db_session().get(Event, event_id)
    if event is None or event.status != APPROVED:
        abort(404)
    liability = get_setting(db_session(), "liability_notice")
    if request.method == "GET":
        return render_template("events/offer.html", event=event, liability=liability, error=None)
    form = request.form
    name, origin = one_line(form.get("name")), one_line(form.get("origin")).upper()
    try:
        seats = parse_int(form.get("seats", ""), 1, 8, "the number of seats")
        if not name:
            raise CarpoolError("Please give a first name for riders to see.")
        if len(origin) > max_length(CarpoolOffer.origin_postcode):
            raise CarpoolError("Please give the postcode you leave from, like SW1A 1AA.")
        if form.get("liability") != "yes":
            raise CarpoolError("Please confirm you have read the notice about lifts.")
        where = locate_postcode(origin)
        zone = ZoneInfo(event.timezone)
        day = in_zone(event.starts_at, event.timezone).date()
        departs = datetime.combine(day, clock_time(form.get("departs", "")))
    except GeocodeError as exc:
        error = exc.message
    except (CarpoolError, ValueError) as exc:
        error = str(exc) if isinstance(exc, CarpoolError | ParseError) else "Give the time (HH:MM)."
    else:
        with write_session() as session:
            session.add(
                CarpoolOffer(
                    event_id=event.id, user_id=current_user.id,
                    driver_name=name[:60], driver_email=current_user.email,
                    origin_postcode=origin, lat=where["lat"],
                    lon=where["lon"], departs_at=departs.replace(tzinfo=zone).astimezone(UTC),
                    seats=seats,
                    taken=0, notes=form.get("notes", "")[:1000],
                    share_contact=form.get("share_contact") == "yes",
                )
            )  # fmt: skip
            if form.get("share_contact") == "yes":
                _share(session, current_user.email, f"carpool-offer:event:{event.id}")
        flash("Thanks! Your lift is offered.", "success")
        return redirect(url_for("events.detail", event_id=event.id), 303)
    page = render_template("events/offer.html", event=event, liability=liability, error=error)
    return page, 400


@bp.post("/carpools/<int:offer_id>/claim")
@rate_limited(RSVP_RATE)
@signin_required
def claim(offer_id: int):
    """Take a seat in a car."""
    offer_row = db_session().get(CarpoolOffer, offer_id)
    if offer_row is None:
        abort(404)
    try:
        claim_seat(
            offer_id,
            current_user,
            request.form.get("share_contact") == "yes",
            request.form.get("name", ""),
        )
        flash("Your seat is saved.", "success")
    except CarpoolError as exc:
        flash(str(exc), "error")
    return redirect(url_for("events.detail", event_id=offer_row.event_id), 303)


@bp.get("/<int:event_id>/carpools/mine")
@signin_required
def mine(event_id: int):
    """Your lifts for an event; contact details only where both sides agreed to share."""
    session = db_session()
    offers = session.scalars(select(CarpoolOffer).where(CarpoolOffer.event_id == event_id)).all()
    rows = []
    for item in offers:
        seats = session.scalars(select(CarpoolSeat).where(CarpoolSeat.offer_id == item.id)).all()
        if item.user_id == current_user.id:
            riders = [(s.rider_name, s.rider_email if s.share_contact and item.share_contact
                       else None) for s in seats]  # fmt: skip
            rows.append((item, "driver", riders))
        elif any(s.user_id == current_user.id for s in seats):
            mine_seat = next(s for s in seats if s.user_id == current_user.id)
            contact = item.driver_email if item.share_contact and mine_seat.share_contact else None
            rows.append((item, "rider", [(item.driver_name, contact)]))
    return render_template("events/carpools_mine.html", rows=rows, event_id=event_id)
