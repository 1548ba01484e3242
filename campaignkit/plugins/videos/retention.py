"""``campaignkit videos purge``: delete the files of videos taken down over ``retention_days`` ago.

The takedown row and the state log stay (what was taken down, why, by whom);
only the files go, and the takedown notes when.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from campaignkit.core import plugin_settings, write_session
from campaignkit.plugins.videos.files import delete_stored_files, forget_keys, keys_of
from campaignkit.plugins.videos.models import TAKEN_DOWN, Submission, Takedown, now


def purge_taken_down(moment: datetime | None = None, *, dry_run: bool = False) -> int:
    """Delete the files of videos taken down before the retention period; returns how many
    videos were purged (or would be, with ``dry_run``). 0 days keeps files for ever."""
    days = plugin_settings("videos").retention_days
    if not days:
        return 0
    cutoff = (moment or now()) - timedelta(days=days)
    purged = 0
    with write_session() as session:
        due = session.scalars(
            select(Takedown)
            .join(Submission, Submission.id == Takedown.submission_id)
            .where(
                Takedown.purged_at.is_(None),
                Takedown.created_at < cutoff,
                Submission.state == TAKEN_DOWN,
            )
            .order_by(Takedown.id)
        ).all()
        for takedown in due:
            purged += 1
            if dry_run:
                continue
            row = session.get(Submission, takedown.submission_id)
            delete_stored_files(keys_of(row))
            forget_keys(row)
            takedown.purged_at = moment or now()
    return purged
