"""RSVPs: a place if one is free, else the waitlist; withdrawals promote the next in line.

Every change runs in one write transaction that first locks the event row
(``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the whole
database), so however many people press "I'll come" at once, ``going``
never passes ``capacity``.

Typing an address proves nothing, so an RSVP is only handed to someone who
shows they own it: a member signed in (their own RSVP, or any with their
confirmed address), the browser that made it (it keeps the RSVP's *claim*, an
opaque id, never the address), or whoever opens the signed link mailed to the
address. Asking again with an address that already has an RSVP changes
nothing and mails that link to the address instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import aware, utcnow
from campaignkit.core.emails import EmailInvalid, clean_email
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
#: ``RsvpResult.status`` when the address already has an RSVP this person has not
#: shown to be theirs: nothing changed, and the address was mailed its manage link.
CHECK_MAIL = "check-mail"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RsvpError(ValueError):
    """An RSVP that cannot be taken, with a message for the person."""


@dataclass(frozen=True)
class RsvpResult:
    """What happened: the RSVP's id and status, whether it was new, and its claim.

    When the address already had an RSVP this person has not shown to be theirs,
    ``status`` is ``CHECK_MAIL`` and ``rsvp_id`` and ``claim`` are None.
    """

    rsvp_id: int | None
    status: str
    created: bool
    claim: str | None = None


def rsvp_claim(rsvp: Rsvp) -> str:
    """What a browser keeps to manage an RSVP it made: opaque, and void once it is re-used.

    It names the row and the moment the RSVP was (re)made, so after a withdrawal
    someone else's new RSVP with that address is not the old claim's any more.
    """
    made = (aware(rsvp.created_at) - _EPOCH) // timedelta(microseconds=1)
    return f"{rsvp.id}.{made}"


def claimed_rsvp(session: Session, event_id: int, claim: object) -> Rsvp | None:
    """The event's RSVP a claim (from ``rsvp_claim``) names, or None if it names none now."""
    rsvp_id, _, _made = str(claim).partition(".")
    if not rsvp_id.isascii() or not rsvp_id.isdigit() or not 0 < int(rsvp_id) < 2**31:
        return None
    rsvp = session.get(Rsvp, int(rsvp_id))
    if rsvp is None or rsvp.event_id != event_id or rsvp_claim(rsvp) != str(claim):
        return None
    return rsvp


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
    event_id: int,
    *,
    name: str,
    email: str,
    user_id: int | None = None,
    consent: bool = False,
    address_proven: bool = False,
    claim: str | None = None,
) -> RsvpResult:
    """Add someone to an event (or its waitlist); raises RsvpError with a reason.

    Guests (no ``user_id``) must have ticked the consent box; their consent is
    recorded with the RSVP, in the same transaction. When the address already
    has an RSVP, it is handed back only to its member (``user_id``), to a member
    whose confirmed address it is (``address_proven``) or to the browser holding
    its ``claim``; anyone else gets ``CHECK_MAIL`` and the address its manage link.
    """
    name = one_line(name)
    if len(name) > max_length(Rsvp.name):
        raise RsvpError(f"Please shorten your name to {max_length(Rsvp.name)} characters.")
    if not name:
        raise RsvpError("Please give your name and a valid email address.")
    try:
        email = clean_email(email)
    except EmailInvalid as exc:
        raise RsvpError(str(exc)) from None
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
            if _shown_to_be_theirs(existing, user_id, address_proven, claim):
                return RsvpResult(existing.id, existing.status, False, rsvp_claim(existing))
            held = existing.status
        else:
            held = None
            row = _add(session, event, existing, name=name, email=email, user_id=user_id)
            result = RsvpResult(row.id, row.status, True, rsvp_claim(row))
    if held is not None:
        _mail_manage_link(event, email, held)
        return RsvpResult(None, CHECK_MAIL, False)
    event_changed(event, "rsvp", row)  # before the mail, which may take a while
    change = f"Can't come after all? Let the hosts know: {withdraw_link(event.id, email)}"
    if result.status == GOING:
        tell_attendees(event, [email], "You're going", f"Thanks! Your place is saved.\n\n{change}")
    else:
        body = f"We'll tell you if a place frees up.\n\n{change}"
        tell_attendees(event, [email], "On the waitlist", body)
    return result


def _shown_to_be_theirs(
    rsvp: Rsvp, user_id: int | None, address_proven: bool, claim: str | None
) -> bool:
    """True when the person asking has shown the RSVP is theirs (see ``take_rsvp``)."""
    if user_id is not None and (rsvp.user_id == user_id or address_proven):
        return True
    return claim is not None and claim == rsvp_claim(rsvp)


def _add(
    session: Session, event: Event, row: Rsvp | None, *, name: str, email: str, user_id: int | None
) -> Rsvp:
    """A new RSVP, or a withdrawn one made again (as new: its old claim is void)."""
    full = event.capacity is not None and event.going >= event.capacity
    status = WAITLIST if full else GOING
    if status == GOING:
        event.going += 1
    if row is None:
        row = Rsvp(event_id=event.id, email=email)
        session.add(row)
    row.name, row.user_id, row.status = name, user_id, status
    row.created_at = utcnow()
    if user_id is None:
        record_consent(
            session,
            email=row.email,
            purpose="events.rsvp",
            wording=RSVP_CONSENT,
            version=RSVP_CONSENT_VERSION,
            source=f"event:{event.id}",
        )
    session.flush()
    return row


def _mail_manage_link(event: Event, email: str, status: str) -> None:
    """Tell an address that already has an RSVP that someone asked again, with its link."""
    held = "a place" if status == GOING else "a place on the waitlist"
    body = (
        f"Someone (perhaps you) just asked to come to this event with this address, which "
        f"already has {held}. Nothing has changed.\n\n"
        f"To see your RSVP or take it back, use this link: {withdraw_link(event.id, email)}\n\n"
        "If it was not you, you need do nothing."
    )
    tell_attendees(event, [email], "About your RSVP", body)


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


def withdraw(event_id: int, email: str | None = None, *, claim: str | None = None) -> list[Rsvp]:
    """Take someone off an event; returns the people promoted from the waitlist (now told).

    The RSVP is the address's, or the one a browser's ``claim`` still names
    (checked under the event's lock, so a claim made void a moment ago withdraws nothing).
    """
    with write_session() as session:
        event = locked_event(session, event_id)
        if claim is not None:
            rsvp = claimed_rsvp(session, event.id, claim)
        else:
            rsvp = session.scalars(
                select(Rsvp).where(
                    Rsvp.event_id == event.id, Rsvp.email == normalise_email(email or "")
                )
            ).first()
        if rsvp is None or rsvp.status == WITHDRAWN:
            return []
        if rsvp.status == GOING:
            event.going -= 1
        rsvp.status = WITHDRAWN
        promoted = promote(session, event)
    event_changed(event, "rsvp", rsvp)  # before the mail, which may take a while
    tell_attendees(
        event,
        [p.email for p in promoted],
        "A place is yours",
        "A place came free and you have moved off the waitlist. See you there!",
    )
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
