"""Claiming a brief and letting it go, never past the brief's claim limit.

The count of claims on a brief is raised by one conditional UPDATE ("only if
it is below the limit and the brief is open"), so two producers claiming the
last place at the same moment cannot both get it: on PostgreSQL the second
UPDATE waits for the first and finds the limit reached; on SQLite writers
queue. A second claim by the same producer breaks a unique constraint and
rolls the whole change back.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from campaignkit.core import write_session
from campaignkit.plugins.videos.models import OPEN, Brief, Claim, now


class ClaimRefused(Exception):
    """A claim that cannot be made; the message says why."""


def claim(brief_id: int, producer_id: int) -> None:
    """Claim the brief for the producer; raises ``ClaimRefused`` when it cannot be."""
    try:
        with write_session() as session:
            taken = session.scalar(
                select(Claim.id).where(Claim.brief_id == brief_id, Claim.producer_id == producer_id)
            )
            if taken is not None:
                raise ClaimRefused("You have already claimed this brief.")
            raised = session.execute(
                update(Brief)
                .where(
                    Brief.id == brief_id,
                    Brief.status == OPEN,
                    Brief.claim_count < Brief.max_claims,
                )
                .values(claim_count=Brief.claim_count + 1)
            ).rowcount
            if raised != 1:
                raise ClaimRefused(_why_not(session, brief_id))
            session.add(Claim(brief_id=brief_id, producer_id=producer_id, created_at=now()))
            session.flush()
    except IntegrityError as exc:
        raise ClaimRefused("You have already claimed this brief.") from exc


def _why_not(session, brief_id: int) -> str:  # noqa: ANN001
    brief = session.get(Brief, brief_id)
    if brief is None:
        return "That brief does not exist."
    if brief.status != OPEN:
        return "That brief is closed."
    return "Every place on this brief is taken; try another brief."


def release(brief_id: int, producer_id: int) -> bool:
    """Give up the producer's claim on the brief; False when they held none."""
    with write_session() as session:
        removed = session.execute(
            delete(Claim).where(Claim.brief_id == brief_id, Claim.producer_id == producer_id)
        ).rowcount
        if removed:
            session.execute(
                update(Brief)
                .where(Brief.id == brief_id, Brief.claim_count > 0)
                .values(claim_count=Brief.claim_count - 1)
            )
    return bool(removed)
