"""Signing a pledge: checks, the insert that never counts anyone twice, and confirmation.

A signature is inserted under the unique constraint (pledge, normalised
email); a conflict means "already signed" and changes nothing. The pledge's
``signed_count`` goes up in the same transaction as the row that counts
(the insert when double opt-in is off, the confirmation when it is on),
with an atomic ``UPDATE ... SET signed_count = signed_count + 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from campaignkit.core import GeocodeError, geocode, record_consent, write_session
from campaignkit.plugins.pledges.models import OPEN, Pledge, Signature

CONSENT_WORDING = (
    "Keep my name, email address, postcode and phone number (if given) so the organisers of "
    "this pledge can count my signature and tell me about this campaign. I can withdraw at any "
    "time."
)
CONSENT_VERSION = "pledges-sign-1"
SHOW_NAME_WORDING = "Show my first name and area with the recent signers."
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")


class SignError(ValueError):
    """A signature that cannot be taken, with a message for the person."""


@dataclass(frozen=True)
class Signed:
    """What happened: the signature's id, whether it was new, and whether it counts yet."""

    signature_id: int
    created: bool
    confirmed: bool


@dataclass(frozen=True)
class Form:
    """A checked signing form."""

    name: str
    email: str
    postcode: str
    phone: str | None
    consent: bool
    show_name: bool


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def read_form(form) -> Form:  # noqa: ANN001 - a MultiDict
    """Check the signing form; raises SignError naming what to fix."""
    name = " ".join((form.get("name") or "").split())
    email = (form.get("email") or "").strip().lower()
    postcode = " ".join((form.get("postcode") or "").upper().split())
    phone = (form.get("phone") or "").strip() or None
    if not name or len(name) > 200:
        raise SignError("Please give your name.")
    if len(email) > 320 or not EMAIL.match(email):
        raise SignError("Please give a valid email address, like name@example.org.")
    if not postcode or len(postcode) > 10:
        raise SignError("Please give your postcode, like SW1A 1AA.")
    if phone is not None and not PHONE.match(phone):
        raise SignError("That phone number does not look right; leave it empty if you prefer.")
    if form.get("consent") != "yes":
        raise SignError("Please tick the box so we may keep your details and count you.")
    return Form(name, email, postcode, phone, True, form.get("show_name") == "yes")


def find_seat(postcode: str) -> tuple[str | None, str | None]:
    """The seat (code, name) for a postcode; raises SignError when it cannot be found."""
    try:
        place = geocode(postcode)
    except GeocodeError as exc:
        raise SignError(f"{exc} Please check your postcode.") from exc
    seat = getattr(place, "seat", None)
    return (seat.code, seat.name) if seat is not None else (None, None)


def count_one(session, pledge_id: int) -> None:  # noqa: ANN001 - a Session
    """Add one to the pledge's count, atomically, in the caller's transaction."""
    session.execute(
        update(Pledge).where(Pledge.id == pledge_id).values(signed_count=Pledge.signed_count + 1)
    )
    pledge = session.get(Pledge, pledge_id, populate_existing=True)
    reached = pledge.threshold and pledge.signed_count >= pledge.threshold
    if reached and pledge.threshold_reached_at is None:
        pledge.threshold_reached_at = now()


def sign(pledge_id: int, form: Form, *, double_opt_in: bool) -> Signed:
    """Store a signature (once per address); raises SignError for a closed pledge."""
    seat, seat_name = find_seat(form.postcode)
    with write_session() as session:
        pledge = session.get(Pledge, pledge_id)
        if pledge is None or pledge.status != OPEN:
            raise SignError("This pledge is not open for signatures.")
        if pledge.deadline is not None and _aware(pledge.deadline) <= now():
            raise SignError("This pledge has closed: its deadline has passed.")
        row = Signature(
            pledge_id=pledge_id, email=form.email, name=form.name, postcode=form.postcode,
            seat=seat, seat_name=seat_name, phone=form.phone, show_name=form.show_name,
            created_at=now(), confirmed_at=None if double_opt_in else now(), unsubscribed=False,
        )  # fmt: skip
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            existing = session.scalars(
                select(Signature).where(
                    Signature.pledge_id == pledge_id, Signature.email == form.email
                )
            ).one()
            return Signed(existing.id, False, existing.confirmed_at is not None)
        record_consent(
            session, email=form.email, purpose="pledges.sign", wording=CONSENT_WORDING,
            version=CONSENT_VERSION, source=f"pledge:{pledge.slug}",
        )  # fmt: skip
        if not double_opt_in:
            count_one(session, pledge_id)
        return Signed(row.id, True, not double_opt_in)


def confirm(signature_id: int, email: str) -> Signature | None:
    """Confirm a signature (once: later calls change nothing); None if it is gone."""
    with write_session() as session:
        done = session.execute(
            update(Signature)
            .where(
                Signature.id == signature_id,
                Signature.email == email,
                Signature.confirmed_at.is_(None),
            )
            .values(confirmed_at=now())
        )
        row = session.get(Signature, signature_id, populate_existing=True)
        if row is None or row.email != email:
            return None
        pledge = session.get(Pledge, row.pledge_id)
        if done.rowcount == 1 and pledge is not None:
            count_one(session, row.pledge_id)
        session.expunge(row)
        return row


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
