"""Organisers' seat targets: mark a seat target, defend or ignore, and keep every change.

Marks take effect at once: a change bumps the ``marginals.standing`` version
(``campaignkit.core.changed``), so every worker reads the marks afresh on its
next ranking. While no seat is marked, the marginal seats count as targets
(``recommend``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from campaignkit.core import changed, db_session, write_session
from campaignkit.plugins.marginals.models import SeatTarget, SeatTargetChange
from campaignkit.plugins.marginals.ranking import Target

STATUSES = ("target", "defend", "ignore")
#: The version (see ``campaignkit.core.version``) covering organisers' marks and imported results.
STANDING_VERSION = "marginals.standing"
_MARKS = select(SeatTarget.code, SeatTarget.status, SeatTarget.priority, SeatTarget.notes)


def marked_targets() -> dict[str, Target]:
    """Every seat organisers have marked, by code."""
    rows = db_session().execute(_MARKS)
    return {code: Target(status, priority, notes) for code, status, priority, notes in rows}


def set_target(code: str, status: str, priority: int, notes: str, user_id: int | None) -> None:
    """Mark a seat (replacing any earlier mark) and record the change in its history."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if not 1 <= priority <= 5:
        raise ValueError("priority must be from 1 to 5")
    now = datetime.now(UTC)
    notes = notes.strip()[:2000]
    with write_session() as session:
        row = session.get(SeatTarget, code) or SeatTarget(code=code)
        row.status, row.priority, row.notes = status, priority, notes
        row.updated_by, row.updated_at = user_id, now
        session.add(row)
        session.add(
            SeatTargetChange(
                code=code,
                status=status,
                priority=priority,
                notes=notes,
                changed_by=user_id,
                changed_at=now,
            )  # fmt: skip
        )
    changed(STANDING_VERSION)


def history(code: str, limit: int = 20) -> list[SeatTargetChange]:
    """A seat's changes, newest first."""
    query = (
        select(SeatTargetChange)
        .where(SeatTargetChange.code == code)
        .order_by(SeatTargetChange.changed_at.desc(), SeatTargetChange.id.desc())
        .limit(limit)
    )
    return list(db_session().scalars(query))
