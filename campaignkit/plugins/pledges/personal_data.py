"""The plugin's part of personal-data export, erasure and purging.

Erasure anonymises: name, address, postcode and phone go, the seat and the
times stay, so an erased signature still counts (and cannot be counted twice:
its address becomes a unique placeholder).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from campaignkit.plugins.pledges.models import Pledge, Signature

ERASED_NAME = "(erased)"


def export(subject, session) -> dict | None:  # noqa: ANN001
    """Every signature made with the subject's address."""
    if not subject.email:
        return None
    rows = session.execute(
        select(Signature, Pledge.slug)
        .join(Pledge, Pledge.id == Signature.pledge_id)
        .where(Signature.email == subject.email)
        .order_by(Signature.id)
    )
    return {
        "signatures": [
            {
                "pledge": slug,
                "name": s.name,
                "email": s.email,
                "postcode": s.postcode,
                "seat": s.seat,
                "phone": s.phone,
                "show_name": s.show_name,
                "signed_at": s.created_at,
                "confirmed_at": s.confirmed_at,
                "unsubscribed": s.unsubscribed,
            }  # fmt: skip
            for s, slug in rows
        ]
    }


def _anonymise(row: Signature) -> None:
    row.name, row.postcode, row.phone = ERASED_NAME, "", None
    row.email = f"erased-{row.id}@invalid"
    row.show_name, row.unsubscribed = False, True


def erase(subject, session) -> int:  # noqa: ANN001
    """Anonymise the subject's signatures; returns how many."""
    if not subject.email:
        return 0
    rows = list(session.scalars(select(Signature).where(Signature.email == subject.email)))
    for row in rows:
        _anonymise(row)
    return len(rows)


def purge(older_than: datetime, session) -> int:  # noqa: ANN001
    """Anonymise signatures made before ``older_than``; returns how many."""
    rows = list(
        session.scalars(
            select(Signature).where(
                Signature.created_at < older_than, Signature.name != ERASED_NAME
            )
        )
    )
    for row in rows:
        _anonymise(row)
    return len(rows)
