"""A test plugin that stores people: petition signatures with an address, a name and a comment.

It implements the personal-data hooks the way a real plugin should: export
every signature of the person, erase by blanking the person's details but
keeping the row (so the total still counts them), purge by retention. Its
migrations (``migrations/``) form the ``petition`` branch.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import DateTime, ForeignKey, Integer, String, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaignkit import hookimpl
from campaignkit.core import Model, record_consent

WORDING = "Add my name to the petition and tell me how it goes."


class Signature(Model):
    """One signature; erasure blanks the person's details and keeps the row."""

    __tablename__ = "petition_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(String(500), default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("ck_users.id"), nullable=True, index=True
    )
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Settings(BaseModel):
    """``[plugins.petition]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    retention_days: int | None = None


def sign(
    session: Session,
    email: str,
    name: str,
    comment: str = "",
    user_id: int | None = None,
    when: datetime | None = None,
) -> None:
    """Store a signature and the consent given for it, in the caller's transaction."""
    email = email.strip().lower()
    session.add(
        Signature(
            email=email,
            name=name,
            comment=comment,
            user_id=user_id,
            signed_at=when or datetime.now(UTC),
        )
    )
    record = record_consent(
        session, email=email, purpose="petition", wording=WORDING, version="1", source="petition"
    )
    if when is not None:
        record.given_at = when


def _of(subject):  # noqa: ANN001, ANN202
    condition = Signature.email == subject.email
    if subject.user_id is not None:
        condition = or_(condition, Signature.user_id == subject.user_id)
    return condition


_BLANK = {"email": None, "name": "", "comment": "", "user_id": None}


@hookimpl
def campaignkit_settings_schema():
    """The petition's settings: its own retention period."""
    return Settings


@hookimpl
def campaignkit_personal_data(subject, session):
    """Every signature of the person."""
    rows = session.scalars(select(Signature).where(_of(subject)).order_by(Signature.id))
    return {
        "signatures": [
            {"name": s.name, "email": s.email, "comment": s.comment, "signed_at": s.signed_at}
            for s in rows
        ]
    }


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Blank the person's signatures; the rows stay so the total still counts them."""
    return session.execute(update(Signature).where(_of(subject)).values(**_BLANK)).rowcount


@hookimpl
def campaignkit_purge_personal_data(older_than, session):
    """Blank signatures older than the retention period."""
    old = update(Signature).where(Signature.signed_at < older_than, Signature.email.is_not(None))
    return session.execute(old.values(**_BLANK)).rowcount
