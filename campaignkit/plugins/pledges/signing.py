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
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    column,
    func,
    null,
    or_,
    select,
    true,
    update,
    values,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from campaignkit.core import (
    DeferredHit,
    DriverWrite,
    EmailInvalid,
    GeocodeError,
    Prepared,
    PreparedInsert,
    app_store,
    clean_email,
    consent_parameters,
    consents_insert,
    count_hits,
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
SLUG_MAX = max_length(Pledge.slug)


NOT_OPEN = "This pledge is not open for signatures."


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
_PLEDGE_COLUMNS = tuple(c for c in PLEDGES.c if c.name != "image")
_PLEDGE_NAMES = tuple(c.name for c in _PLEDGE_COLUMNS)
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
    counted = (
        session.first(_COUNT_PREPARED, values)
        if isinstance(session, DriverWrite)
        else session.execute(_COUNT, values).first()
    )
    if counted is None:
        return None
    _note_threshold(session, pledge_id, *counted)
    return counted[0]


def _note_threshold(
    session: Session | DriverWrite,
    pledge_id: int,
    total: int,
    threshold: int | None,
    reached_at: datetime | None,
) -> None:
    """Store when the pledge reached its threshold, if this count is what reached it."""
    reached = threshold_reached_at(threshold, total, reached_at, now())
    if reached != reached_at:
        values = {"pledge_id": pledge_id, "reached": reached}
        if isinstance(session, DriverWrite):
            session.run(_REACHED_PREPARED, values)
        else:
            session.execute(_REACHED, values)


@dataclass(frozen=True)
class _Request:
    slug: str
    form: Form
    seat: tuple[str | None, str | None]
    double_opt_in: bool
    hit: DeferredHit | None = None  # the signing form's rate-limit hit, counted in the batch


def sign(slug: str, form: Form, *, double_opt_in: bool, hit: DeferredHit | None = None) -> Signed:
    """Store a signature (once per address); raises SignError unless the pledge is open.

    The signature is written with others arriving at the same moment (group
    commit, see ``group_commit``) and this returns once it is committed. ``hit``,
    the request's rate-limit hit, is counted with the batch's before anything is
    written; past the limit this raises the 429 and stores nothing.
    """
    if len(slug) > SLUG_MAX:  # no pledge has it (nor would it fit a consent record's source)
        raise SignError(NOT_OPEN)
    request = _Request(slug, form, find_seat(form.postcode), double_opt_in, hit)
    queue = app_store("pledges").get(QUEUE) or app_store("pledges").setdefault(
        QUEUE, GroupCommit(_write_batch)
    )
    return queue.submit(request)


def _write_batch(batch: list[Pending]) -> None:
    """One transaction for a batch of signatures: each one checked and inserted, then counted.

    Per signature, ``INSERT ... ON CONFLICT DO NOTHING`` (a repeat changes
    nothing); per pledge, the consent records and one update of the count.
    Prepared statements in a ``driver_write()``: signing is the hottest write
    there is, and through the ORM the same statements cost three times as much.
    On PostgreSQL, where every statement is a round trip that also costs the
    server's CPU, a pledge's check, its signatures, its count and their consent
    records go in one statement (``_sign_and_count``); SQLite, which runs in the
    process, takes them one by one. A batch for one pledge (nearly every batch) is
    then that one statement, in a transaction of its own (``one_statement``).

    The batch's rate-limit hits are counted first, together (``count_hits``: once
    each, also when a failed batch is written again item by item); an item past
    the limit gets its 429 and is not written.
    """
    count_hits(item.work.hit for item in batch)
    signed_at = now()
    groups: dict[tuple[str, bool], list[Pending]] = {}
    for item in batch:
        if item.work.hit is not None and item.work.hit.refused is not None:
            item.error = item.work.hit.refused
            continue
        groups.setdefault((item.work.slug, item.work.double_opt_in), []).append(item)
    if not groups:
        return
    with driver_write(one_statement=len(groups) == 1) as write:
        together = write.dialect.name == "postgresql"
        for (slug, double_opt_in), items in groups.items():
            values = [_values(item.work, signed_at) for item in items]
            sign_them = _sign_together if together else _sign_one_by_one
            try:
                sign_them(write, slug, items, values, signed_at, double_opt_in)
            except SignError as exc:
                for item in items:
                    item.error = exc


def _open_pledge(write: DriverWrite, slug: str, signed_at: datetime) -> dict[str, Any]:
    """The pledge's columns (but its picture); raises SignError unless it takes signatures."""
    found = write.first(_PLEDGE_BY_SLUG, {"slug": slug})
    pledge = None if found is None else dict(zip(_PLEDGE_NAMES, found, strict=True))
    if pledge is None or pledge["status"] != OPEN:
        raise SignError(NOT_OPEN)
    if pledge["deadline"] is not None and _aware(pledge["deadline"]) <= signed_at:
        raise SignError("This pledge has closed: its deadline has passed.")
    return pledge


def _values(request: _Request, signed_at: datetime) -> dict[str, Any]:
    """The new signature's columns but ``id``; ``pledge_id`` is None until the pledge is read."""
    form = request.form
    return dict(
        pledge_id=None, email=form.email, name=form.name, postcode=form.postcode,
        seat=request.seat[0], seat_name=request.seat[1], phone=form.phone,
        show_name=form.show_name, created_at=signed_at,
        confirmed_at=None if request.double_opt_in else signed_at, unsubscribed=False,
    )  # fmt: skip


def _consent(slug: str) -> dict[str, str]:
    """The consent a signature of pledge ``slug`` records."""
    return {"purpose": "pledges.sign", "wording": CONSENT_WORDING, "version": CONSENT_VERSION,
            "source": f"pledge:{slug}"}  # fmt: skip


def _sign_one_by_one(
    write: DriverWrite, slug: str, items: list[Pending], values: list[dict],
    signed_at: datetime, double_opt_in: bool,
) -> None:  # fmt: skip
    """Check the pledge is open, insert each signature on its own, add the new ones to the
    count and record their consent (SQLite)."""
    pledge = _open_pledge(write, slug, signed_at)
    for item, row in zip(items, values, strict=True):
        row["pledge_id"] = pledge["id"]
        inserted = write.first(_SIGN, row)
        item.result = (
            _already_there(write, pledge, row["email"])
            if inserted is None
            else Signed(pledge, inserted[0], True, not double_opt_in, row)
        )
    new = sum(item.result.created for item in items)
    if new and not double_opt_in:
        pledge["signed_count"] = count_one(write, pledge["id"], new)
    created = [item.work.form.email for item in items if item.result.created]
    record_consents(write, created, **_consent(slug))


def _sign_together(
    write: DriverWrite, slug: str, items: list[Pending], values: list[dict],
    signed_at: datetime, double_opt_in: bool,
) -> None:  # fmt: skip
    """Check the pledge is open, insert the signatures, add the new ones to its count and
    record their consent, in one statement (PostgreSQL); raises SignError, having stored
    nothing, if it is not open."""
    parameters = _SIGNATURE_ROWS.parameters(values) | consent_parameters(**_consent(slug))
    parameters |= {"slug": slug, "now": signed_at, "counts": 0 if double_opt_in else 1}
    rows = write.rows(_sign_and_count(len(values)), parameters)
    if not rows:  # not open: nothing was inserted or counted
        _open_pledge(write, slug, signed_at)  # raises, saying why
        raise SignError(NOT_OPEN)  # it opened a moment ago: try again
    pledge = dict(zip(_PLEDGE_NAMES, rows[0][: len(_PLEDGE_NAMES)], strict=True))
    new_ids = {email: new_id for *_, new_id, email in rows if new_id is not None}
    for item, row in zip(items, values, strict=True):
        row["pledge_id"] = pledge["id"]
        new_id = new_ids.pop(row["email"], None)  # a repeat within the batch counts once
        item.result = (
            _already_there(write, pledge, row["email"])
            if new_id is None
            else Signed(pledge, new_id, True, not double_opt_in, row)
        )


#: A signature's id and whether it counts yet, by pledge and address (after a conflict).
_EXISTING = Prepared(
    select(Signature.id, Signature.confirmed_at).where(
        Signature.pledge_id == bindparam("pledge_id"), Signature.email == bindparam("email")
    )
)
SIGNATURES = Signature.__table__
#: The parameters of several signatures in one statement, and their values' names.
_SIGNATURE_ROWS = PreparedInsert(SIGNATURES)


def _already_there(write: DriverWrite, pledge: dict[str, Any], email: str) -> Signed:
    """The signature this address already made to the pledge (nothing was inserted)."""
    existing_id, confirmed_at = write.first(_EXISTING, {"pledge_id": pledge["id"], "email": email})
    return Signed(pledge, existing_id, False, confirmed_at is not None)


@lru_cache(maxsize=64)
def _sign_and_count(count: int) -> Prepared:
    """PostgreSQL: if the pledge ``slug`` is open at ``now``, ``count`` signatures of it
    inserted (a repeat skipped), the new ones added to its count (times ``counts``: 0 under
    double opt-in), when it reached its threshold noted (as ``threshold_reached_at`` does)
    and their consent recorded (``consents_insert``), in one statement.

    Rows: none when the pledge is not open; else the pledge's columns (but its picture)
    after counting, then a new signature's id and email (None and None when none was new),
    one row per new signature.
    """
    signed_at = bindparam("now", type_=PLEDGES.c.deadline.type)
    pledge = (
        select(PLEDGES.c.id)
        .where(
            PLEDGES.c.slug == bindparam("slug"), PLEDGES.c.status == OPEN,
            or_(PLEDGES.c.deadline.is_(None), PLEDGES.c.deadline > signed_at),
        )
        .cte("pledge")
    )  # fmt: skip
    given_columns = [c for c in SIGNATURES.c if c.name not in ("id", "pledge_id")]
    given = values(*(column(c.name, c.type) for c in given_columns), name="given").data(
        [tuple(row[c.name] for c in given_columns) for row in _SIGNATURE_ROWS.value_rows(count)]
    )
    new = (
        postgresql.insert(SIGNATURES)
        .from_select(
            ["pledge_id", *(c.name for c in given_columns)],
            select(pledge.c.id, *given.c).select_from(pledge.join(given, true())),
        )
        .on_conflict_do_nothing(index_elements=["pledge_id", "email"])
        .returning(SIGNATURES.c.id, SIGNATURES.c.email)
        .cte("new")
    )
    added = (
        bindparam("counts", type_=Integer) * select(func.count()).select_from(new).scalar_subquery()
    )
    total, threshold = PLEDGES.c.signed_count + added, PLEDGES.c.threshold
    reached = case(
        (and_(threshold != 0, total >= threshold),
         func.coalesce(PLEDGES.c.threshold_reached_at, signed_at)),
        else_=null(),
    )  # fmt: skip
    counted = (
        update(PLEDGES)
        .where(PLEDGES.c.id == select(pledge.c.id).scalar_subquery())
        .values(signed_count=total, threshold_reached_at=reached)
        .returning(*_PLEDGE_COLUMNS)
        .cte("counted")
    )
    consents = consents_insert(new.c.email).cte("consents")
    return Prepared(
        select(*counted.c, new.c.id, new.c.email)
        .select_from(counted.outerjoin(new, true()))
        .add_cte(consents)
    )


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
