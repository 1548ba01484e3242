"""Signing a pledge: checks, the insert that never counts anyone twice, and confirmation.

Signatures arriving together share one transaction (``group_commit``). A
signature is inserted with ``INSERT ... ON CONFLICT DO NOTHING`` under the
unique constraint (pledge, normalised email); a conflict means "already
signed" and changes nothing. The pledge's
``signed_count`` goes up in the same transaction as the row that counts
(the insert when double opt-in is off, the confirmation when it is on),
with an atomic ``UPDATE ... SET signed_count = signed_count + 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from campaignkit.core import (
    DriverWrite,
    EmailInvalid,
    GeocodeError,
    Prepared,
    app_store,
    clean_email,
    driver_write,
    geocode,
    max_length,
    one_line,
    prepared_insert_unless_exists,
    record_consents,
    write_session,
)
from campaignkit.plugins.pledges.group_commit import GroupCommit, Pending
from campaignkit.plugins.pledges.models import OPEN, Pledge, Signature, threshold_reached_at

CONSENT_WORDING = (
    "Keep my name, email address, postcode and phone number (if given) so the organisers of "
    "this pledge can count my signature and tell me about this campaign. I can withdraw at any "
    "time."
)
CONSENT_VERSION = "pledges-sign-1"
SHOW_NAME_WORDING = "Show my first name and area with the recent signers."
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
NAME_MAX, POSTCODE_MAX = max_length(Signature.name), max_length(Signature.postcode)


class SignError(ValueError):
    """A signature that cannot be taken, with a message for the person."""


@dataclass(frozen=True)
class Signed:
    """What happened: the pledge, the signature's id, whether it was new and counts yet.

    The pledge and the new signature are kept as their columns' values; ``pledge``
    and ``signature`` build (plain, unattached) model objects only when asked, since
    most signings never need them.
    """

    #: The pledge's columns (but its picture), with its count after this signature.
    pledge_values: dict[str, Any]
    signature_id: int
    created: bool
    confirmed: bool
    #: The new signature's columns as stored; None when it was already there.
    signature_values: dict[str, Any] | None = None

    @cached_property
    def pledge(self) -> Pledge:
        """The pledge signed, with its count after this signature."""
        return Pledge(**self.pledge_values)

    @cached_property
    def signature(self) -> Signature | None:
        """The new signature as stored, for hooks; None when it was already there."""
        if self.signature_values is None:
            return None
        return Signature(id=self.signature_id, **self.signature_values)


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
    name = one_line(form.get("name"))
    postcode = one_line(form.get("postcode")).upper()
    phone = one_line(form.get("phone")) or None
    if not name:
        raise SignError("Please give your name.")
    if len(name) > NAME_MAX:
        raise SignError(f"Please shorten your name to {NAME_MAX} characters.")
    try:
        email = clean_email(form.get("email"))
    except EmailInvalid:
        raise SignError("Please give a valid email address, like name@example.org.") from None
    if not postcode or len(postcode) > POSTCODE_MAX:
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


PLEDGES = Pledge.__table__
QUEUE = "signing"  # the app's GroupCommit, in the plugin's app_store
#: Every column of a pledge but its picture, by slug (read while signing).
_PLEDGE_COLUMNS = tuple(column for column in PLEDGES.c if column.name != "image")
_PLEDGE_BY_SLUG = Prepared(select(*_PLEDGE_COLUMNS).where(PLEDGES.c.slug == bindparam("slug")))
_SIGN = prepared_insert_unless_exists(Signature, unique=("pledge_id", "email"))


#: Add to a pledge's count and read the new total (and what the threshold check needs).
_COUNT = (
    update(PLEDGES)
    .where(PLEDGES.c.id == bindparam("pledge_id"))
    .values(signed_count=PLEDGES.c.signed_count + bindparam("amount"))
    .returning(PLEDGES.c.signed_count, PLEDGES.c.threshold, PLEDGES.c.threshold_reached_at)
)
_REACHED = (
    update(PLEDGES)
    .where(PLEDGES.c.id == bindparam("pledge_id"))
    .values(threshold_reached_at=bindparam("reached"))
)
_COUNT_PREPARED, _REACHED_PREPARED = Prepared(_COUNT), Prepared(_REACHED)


def count_one(session: Session | DriverWrite, pledge_id: int, amount: int = 1) -> int | None:
    """Add ``amount`` to the pledge's count, atomically, in the caller's transaction.

    One ``UPDATE ... SET signed_count = signed_count + n RETURNING`` both
    counts and reads the new total (returned), so the threshold check needs
    no extra read. ``session`` is a write session or a ``driver_write()``.
    """
    values = {"pledge_id": pledge_id, "amount": amount}
    driver = isinstance(session, DriverWrite)
    counted = (
        session.first(_COUNT_PREPARED, values)
        if driver
        else session.execute(_COUNT, values).first()
    )
    if counted is None:
        return None
    total, threshold, reached_at = counted
    reached = threshold_reached_at(threshold, total, reached_at, now())
    if reached != reached_at:
        values = {"pledge_id": pledge_id, "reached": reached}
        if driver:
            session.run(_REACHED_PREPARED, values)
        else:
            session.execute(_REACHED, values)
    return total


@dataclass(frozen=True)
class _Request:
    slug: str
    form: Form
    seat: tuple[str | None, str | None]
    double_opt_in: bool


def sign(slug: str, form: Form, *, double_opt_in: bool) -> Signed:
    """Store a signature (once per address); raises SignError unless the pledge is open.

    The signature is written with others arriving at the same moment (group
    commit, see ``group_commit``) and this returns once it is committed.
    """
    request = _Request(slug, form, find_seat(form.postcode), double_opt_in)
    queue = app_store("pledges").get(QUEUE) or app_store("pledges").setdefault(
        QUEUE, GroupCommit(_write_batch)
    )
    return queue.submit(request)


def _write_batch(batch: list[Pending]) -> None:
    """One transaction for a batch of signatures: each one checked and inserted, then counted.

    Per signature: ``INSERT ... ON CONFLICT DO NOTHING`` (a repeat changes
    nothing); per batch, the consent records, and per pledge one update of the
    count. Prepared statements in a ``driver_write()``: signing is the hottest
    write there is, and through the ORM the same statements cost three times as much.
    """
    signed_at = now()
    with driver_write() as write:
        pledges: dict[str, dict[str, Any] | None] = {}
        counted: dict[int, list[Pending]] = {}
        consents: dict[str, list[str]] = {}
        for item in batch:
            try:
                item.result = _insert(write, item.work, signed_at, pledges)
            except SignError as exc:
                item.error = exc
                continue
            if item.result.created:
                consents.setdefault(item.work.slug, []).append(item.work.form.email)
                if item.result.confirmed:
                    counted.setdefault(item.result.pledge_values["id"], []).append(item)
        for slug, emails in consents.items():
            record_consents(
                write, emails, purpose="pledges.sign", wording=CONSENT_WORDING,
                version=CONSENT_VERSION, source=f"pledge:{slug}",
            )  # fmt: skip
        for pledge_id, items in counted.items():
            # The batch's results share the pledge's values: each one reads the new count.
            items[0].result.pledge_values["signed_count"] = count_one(write, pledge_id, len(items))


#: A signature's id and whether it counts yet, by pledge and address (after a conflict).
_EXISTING = Prepared(
    select(Signature.id, Signature.confirmed_at).where(
        Signature.pledge_id == bindparam("pledge_id"), Signature.email == bindparam("email")
    )
)


def _insert(write: DriverWrite, request: _Request, signed_at: datetime, pledges: dict) -> Signed:
    if request.slug not in pledges:
        found = write.first(_PLEDGE_BY_SLUG, {"slug": request.slug})
        pledges[request.slug] = (
            None
            if found is None
            else {c.name: v for c, v in zip(_PLEDGE_COLUMNS, found, strict=True)}
        )
    pledge, form = pledges[request.slug], request.form
    if pledge is None or pledge["status"] != OPEN:
        raise SignError("This pledge is not open for signatures.")
    if pledge["deadline"] is not None and _aware(pledge["deadline"]) <= signed_at:
        raise SignError("This pledge has closed: its deadline has passed.")
    values = dict(
        pledge_id=pledge["id"], email=form.email, name=form.name, postcode=form.postcode,
        seat=request.seat[0], seat_name=request.seat[1], phone=form.phone,
        show_name=form.show_name, created_at=signed_at,
        confirmed_at=None if request.double_opt_in else signed_at, unsubscribed=False,
    )  # fmt: skip
    inserted = write.first(_SIGN, values)
    if inserted is None:
        existing_id, confirmed_at = write.first(
            _EXISTING, {"pledge_id": pledge["id"], "email": form.email}
        )
        return Signed(pledge, existing_id, False, confirmed_at is not None)
    return Signed(pledge, inserted[0], True, not request.double_opt_in, values)


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
