"""The plugin's part of personal-data export and erasure.

Artwork is tied to the account that submitted it. Erasure takes the person's
name off it: the art stays, credited to "a volunteer", unless the setting
``erase_withdraws_art`` says to withdraw (delete) it instead.
"""

from __future__ import annotations

from sqlalchemy import select

from campaignkit.core import plugin_settings
from campaignkit.plugins.emoji.models import ANONYMOUS_CREDIT, APPROVED, Art, Pack


def export(subject, session) -> dict | None:  # noqa: ANN001
    """Every piece of artwork the subject's account submitted (without the image bytes)."""
    if subject.user_id is None:
        return None
    rows = session.execute(
        select(Art, Pack.slug)
        .join(Pack, Pack.id == Art.pack_id)
        .where(Art.submitter_id == subject.user_id)
        .order_by(Art.id)
    )
    return {
        "artwork": [
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
            }  # fmt: skip
            for art, slug in rows
        ]
    }


def erase(subject, session) -> int:  # noqa: ANN001
    """Credit the subject's art to "a volunteer" (or withdraw it); returns how many rows."""
    if subject.user_id is None:
        return 0
    rows = list(session.scalars(select(Art).where(Art.submitter_id == subject.user_id)))
    withdraw = plugin_settings("emoji").erase_withdraws_art
    for art in rows:
        if art.status == APPROVED:
            session.get(Pack, art.pack_id).touch()  # credits or art change: exports go stale
        if withdraw:
            session.delete(art)
        else:
            art.credit_name, art.submitter_id, art.review_reason = ANONYMOUS_CREDIT, None, ""
    return len(rows)
