"""The plugin's part of personal-data export and erasure.

Artwork is tied to the account that submitted it. Erasure takes the person's
name off it: the art stays, credited to "a volunteer", unless the setting
``erase_withdraws_art`` says to withdraw (delete) it instead.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from campaignkit.core import plugin_settings
from campaignkit.plugins.emoji.models import ANONYMOUS_CREDIT, APPROVED, Art, Pack


def submitted_by(subject):  # noqa: ANN001, ANN201 - a DataSubject; a SQL condition
    """The condition for art the subject submitted: by their account, or by their address."""
    mine = Art.submitter_email == subject.email
    return or_(mine, Art.submitter_id == subject.user_id) if subject.user_id is not None else mine


def export(subject, session) -> dict | None:  # noqa: ANN001
    """Every piece of artwork the subject submitted (without the image bytes); None if none."""
    rows = session.execute(
        select(Art, Pack.slug)
        .join(Pack, Pack.id == Art.pack_id)
        .where(submitted_by(subject))
        .order_by(Art.id)
    )
    artwork = [
        {
            "pack": slug,
            "name": art.name,
            "emojis": art.emojis,
            "credit_name": art.credit_name,
            "status": art.status,
            "review_reason": art.review_reason,
            "format": art.format,
            "width": art.width,
            "height": art.height,
            "submitted_at": art.created_at,
            "updated_at": art.updated_at,
        }
        for art, slug in rows
    ]
    return {"artwork": artwork} if artwork else None


def erase(subject, session) -> int:  # noqa: ANN001
    """Credit the subject's art to "a volunteer" (or withdraw it); returns how many rows."""
    rows = list(session.scalars(select(Art).where(submitted_by(subject))))
    withdraw = plugin_settings("emoji").erase_withdraws_art
    for art in rows:
        if art.status == APPROVED:
            session.get(Pack, art.pack_id).touch()  # credits or art change: exports go stale
        if withdraw:
            session.delete(art)
        else:
            art.credit_name, art.submitter_id = ANONYMOUS_CREDIT, None
            art.submitter_email, art.review_reason = None, ""
    return len(rows)
