"""The plugin's part of personal-data export and erasure.

Nodes hold no personal data (a random code, a parent, a generation, a time,
an optional seat and forward counts), so only the organiser who wrote a
cascade is linked to a person: export lists their cascades, erasure takes
their account off them (the cascades stay).
"""

from __future__ import annotations

from sqlalchemy import select, update

from campaignkit.plugins.cascade.models import Cascade


def export(subject, session) -> dict | None:  # noqa: ANN001
    """The cascades the subject's account wrote; None if none."""
    if subject.user_id is None:
        return None
    rows = list(session.scalars(select(Cascade).where(Cascade.created_by == subject.user_id)))
    if not rows:
        return None
    return {
        "cascades_written": [
            {"title": c.title, "status": c.status, "created_at": c.created_at} for c in rows
        ]
    }


def erase(subject, session) -> int:  # noqa: ANN001
    """Take the subject's account off the cascades they wrote; returns how many."""
    if subject.user_id is None:
        return 0
    query = update(Cascade).where(Cascade.created_by == subject.user_id).values(created_by=None)
    return session.execute(query).rowcount
