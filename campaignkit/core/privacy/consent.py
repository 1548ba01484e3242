"""Consent records: who agreed to what, shown which words, when and where.

Call ``record_consent`` with the write session that stores the person's data,
so the record and the data are committed together or not at all::

    with write_session() as session:
        session.add(signature)
        record_consent(
            session, email=form.email, purpose="pledges.updates",
            wording=CONSENT_TEXT, version="2026-11", source="pledge:day-off",
        )
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaignkit.core.db import Model

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
    if method not in METHODS:
        raise ValueError(f"unknown consent method {method!r}; use one of {', '.join(METHODS)}")
    if not wording.strip() or not purpose.strip():
        raise ValueError("a consent record needs the purpose and the exact wording shown")
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


def consents_of(session: Session, email: str) -> list[ConsentRecord]:
    """Every consent record of one person, oldest first."""
    query = (
        select(ConsentRecord)
        .where(ConsentRecord.subject_email == normalise_email(email))
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    )
    return list(session.scalars(query))
