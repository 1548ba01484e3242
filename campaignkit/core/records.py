"""Consent records and the export log: what is written beside a person's data.

Accounts, events, privacy and plugins all write these, so they sit beneath
all of them. Call ``record_consent`` with the write session that stores the
person's data, so the record and the data are committed together or not at
all::

    with write_session() as session:
        session.add(signature)
        record_consent(
            session, email=form.email, purpose="pledges.updates",
            wording=CONSENT_TEXT, version="2026-11", source="pledge:day-off",
        )

Every export of personal data is logged with ``log_export`` (who, what, when,
how many rows), in the session that reads the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    ForeignKey,
    Insert,
    Integer,
    String,
    Text,
    bindparam,
    insert,
    null,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaignkit.core.db import Model
from campaignkit.core.driver import DriverWrite, PreparedInsert

#: How consent was given.
METHODS = ("checkbox", "double-opt-in", "invitation", "organiser", "command-line")


class ConsentRecord(Model):
    """One consent given (and perhaps later withdrawn) by one person for one purpose."""

    __tablename__ = "ck_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_email: Mapped[str] = mapped_column(String(320), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    purpose: Mapped[str] = mapped_column(String(100))
    wording: Mapped[str] = mapped_column(Text)
    wording_version: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def normalise_email(email: str) -> str:
    """The form consent records and lookups use: trimmed and lower-cased."""
    return email.strip().lower()


def record_consent(
    session: Session,
    *,
    email: str,
    purpose: str,
    wording: str,
    version: str,
    source: str,
    method: str = "checkbox",
    user_id: int | None = None,
) -> ConsentRecord:
    """Add a consent record to ``session`` (committed with it) and return it.

    ``wording`` is the exact text the person was shown beside the box they
    ticked; ``version`` names that text's version; ``source`` the form or page.
    """
    _check(method, purpose, wording, version, source)
    record = ConsentRecord(
        subject_email=normalise_email(email),
        user_id=user_id,
        purpose=purpose,
        wording=wording,
        wording_version=version,
        source=source,
        method=method,
        given_at=datetime.now(UTC),
    )
    session.add(record)
    return record


def record_consents(
    session: Session | DriverWrite,
    emails: Sequence[str],
    *,
    purpose: str,
    wording: str,
    version: str,
    source: str,
    method: str = "checkbox",
) -> None:
    """Record the same consent for several people at once (one form, many submissions).

    As ``record_consent``, committed with ``session``'s transaction, but with
    no ORM objects: one multi-row ``INSERT``, on a session's connection or, in
    a ``driver_write()`` (a hot path, such as a batch of signatures written
    together), as a prepared statement.
    """
    _check(method, purpose, wording, version, source)
    if not emails:
        return
    given_at = datetime.now(UTC)
    rows = [
        {"subject_email": normalise_email(email), "user_id": None, "purpose": purpose,
         "wording": wording, "wording_version": version, "source": source,
         "method": method, "given_at": given_at, "withdrawn_at": None}
        for email in emails
    ]  # fmt: skip
    if isinstance(session, DriverWrite):
        session.insert_rows(_INSERT_CONSENT, rows)
    else:
        session.connection().execute(insert(ConsentRecord.__table__), rows)


_INSERT_CONSENT = PreparedInsert(ConsentRecord.__table__)
_CONSENTS = ConsentRecord.__table__
#: What ``consents_insert`` takes as parameters, by column.
_GIVEN = ("purpose", "wording", "wording_version", "source", "method", "given_at")
#: The most characters each bounded text of a consent holds, checked before it is stored.
_LONGEST = {
    name: _CONSENTS.c[name].type.length for name in ("purpose", "wording_version", "source")
}


def consents_insert(emails: ColumnElement[str]) -> Insert:
    """PostgreSQL: the consent records of the addresses ``emails`` gives, as an ``INSERT ...
    SELECT`` to put inside a larger statement, so that data and its consent records are
    written in one round trip.

    ``emails`` is a column of a CTE or subquery: in the pledges plugin, the addresses a
    data-modifying CTE has just inserted (``.cte()`` this and ``add_cte`` it to the
    statement). They must be in stored form already (``clean_email``'s). The same
    consent for each, as ``record_consents`` records it, from parameters named
    ``consent_<column>``: pass ``consent_parameters(...)`` with the statement's own.
    (SQLite has no ``INSERT`` inside a statement: use ``record_consents`` there.)
    """
    given = [bindparam(f"consent_{name}", type_=_CONSENTS.c[name].type) for name in _GIVEN]
    return insert(_CONSENTS).from_select(
        ["subject_email", "user_id", *_GIVEN, "withdrawn_at"],
        select(emails, null(), *given, null()),
    )


def consent_parameters(
    *, purpose: str, wording: str, version: str, source: str, method: str = "checkbox"
) -> dict[str, Any]:
    """The values of ``consents_insert``'s parameters, checked as ``record_consents`` checks
    them, given now."""
    _check(method, purpose, wording, version, source)
    values = (purpose, wording, version, source, method, datetime.now(UTC))
    return {f"consent_{name}": value for name, value in zip(_GIVEN, values, strict=True)}


def _check(method: str, purpose: str, wording: str, version: str, source: str) -> None:
    """Refuse a consent with an unknown method, without its purpose or wording, or with a
    purpose, version or source longer than its column (PostgreSQL would refuse the row)."""
    if method not in METHODS:
        raise ValueError(f"unknown consent method {method!r}; use one of {', '.join(METHODS)}")
    if not wording.strip() or not purpose.strip():
        raise ValueError("a consent record needs the purpose and the exact wording shown")
    for column, value in (("purpose", purpose), ("wording_version", version), ("source", source)):
        if len(value) > _LONGEST[column]:
            raise ValueError(f"a consent's {column} is at most {_LONGEST[column]} characters")


def consents_of(session: Session, email: str) -> list[ConsentRecord]:
    """Every consent record of one person, oldest first."""
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.subject_email == normalise_email(email))
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    )
    return list(session.scalars(query))


class ExportRecord(Model):
    """One export of personal data: who made it, what it held, when, and how many rows."""

    __tablename__ = "ck_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    what: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def log_export(session: Session, who: int | None, what: str, rows: int) -> ExportRecord:
    """Log an export of personal data in ``session`` (committed with it) and return the record.

    ``who`` is the id of the account that made the export (None for the
    command line); ``what`` says what it held, without naming anyone
    (``"pledges CSV: day-off pledge"``); ``rows`` how many records it held.
    """
    record = ExportRecord(user_id=who, what=what[:300], rows=rows, at=datetime.now(UTC))
    session.add(record)
    return record
