"""The plugin's part of personal-data export and erasure: who marked which seat.

Organisers' seat marks and every change to them record the organiser's
account id. An export lists the person's current marks and changes (seat,
status, priority, notes, when); an erasure unlinks them (the id becomes
NULL) and keeps the marks and history, which are the campaign's records
about seats, not about the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.models import SeatTarget, SeatTargetChange


def export(subject, session) -> dict[str, Any] | None:  # noqa: ANN001
    """The seat marks the subject holds and every change they made; None if there are none."""
    if subject.user_id is None:
        return None
    marks = session.scalars(
        select(SeatTarget).where(SeatTarget.updated_by == subject.user_id).order_by(SeatTarget.code)
    ).all()
    changes = session.scalars(
        select(SeatTargetChange)
        .where(SeatTargetChange.changed_by == subject.user_id)
        .order_by(SeatTargetChange.changed_at, SeatTargetChange.id)
    ).all()
    if not marks and not changes:
        return None
    return {
        "seat_marks": [_record(row, "updated_at", row.updated_at) for row in marks],
        "target_changes": [_record(row, "changed_at", row.changed_at) for row in changes],
    }


def _record(row: SeatTarget | SeatTargetChange, when: str, at: datetime) -> dict[str, Any]:
    seat = tables().seats.get(row.code)
    return {
        "seat": row.code,
        "seat_name": seat.name if seat else None,
        "status": row.status,
        "priority": row.priority,
        "notes": row.notes,
        when: at,
    }


def erase(subject, session) -> int:  # noqa: ANN001
    """Unlink the subject from seat marks and their history, keeping the rows; returns how many."""
    if subject.user_id is None:
        return 0
    marks = session.execute(
        update(SeatTarget)
        .where(SeatTarget.updated_by == subject.user_id)
        .values(updated_by=None)
        .execution_options(synchronize_session=False)
    )
    changes = session.execute(
        update(SeatTargetChange)
        .where(SeatTargetChange.changed_by == subject.user_id)
        .values(changed_by=None)
        .execution_options(synchronize_session=False)
    )
    return marks.rowcount + changes.rowcount
