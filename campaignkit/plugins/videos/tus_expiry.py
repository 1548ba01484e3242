"""Unfinished resumable (tus) uploads expire: tus 1.0's ``expiration`` extension.

An upload expires ``[plugins.videos] tus_expiry_hours`` after it was created. The
creation answer and every HEAD and PATCH answer of an unfinished upload say when, in
``Upload-Expires`` (an HTTP date, as tus 1.0 asks); an expired upload answers 410 Gone.
An hourly job deletes the unfinished files and the rows of expired uploads (and the
rows of finished ones as old: their file belongs to the submission and is kept).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from huey import Huey, crontab
from sqlalchemy import delete, select
from werkzeug.http import http_date

from campaignkit.core import Progress, job, plugin_settings, write_session
from campaignkit.plugins.videos.models import now
from campaignkit.plugins.videos.storage import video_store
from campaignkit.plugins.videos.tus_models import TusUpload


def expiry_delta() -> timedelta:
    """How long an unfinished upload is kept, from ``tus_expiry_hours``."""
    return timedelta(hours=plugin_settings("videos").tus_expiry_hours)


def expires_at(created: datetime) -> datetime:
    """When an upload created at `created` expires (the setting later), in UTC."""
    if created.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        created = created.replace(tzinfo=UTC)
    return created + expiry_delta()


def is_expired(upload: TusUpload, moment: datetime | None = None) -> bool:
    """True when `upload` is unfinished and past its expiry time."""
    return upload.submission_id is None and expires_at(upload.created_at) <= (moment or now())


def expires_header(created: datetime) -> dict[str, str]:
    """``Upload-Expires`` for the answer about an unfinished upload created at `created`."""
    return {"Upload_Expires": http_date(expires_at(created))}


def purge_expired_uploads(moment: datetime | None = None) -> int:
    """Delete the files and rows of uploads past their expiry time; returns how many."""
    cutoff = (moment or now()) - expiry_delta()
    with write_session() as session:
        expired = session.execute(
            select(TusUpload.id, TusUpload.file_key, TusUpload.submission_id).where(
                TusUpload.created_at <= cutoff
            )
        ).all()
        session.execute(delete(TusUpload).where(TusUpload.id.in_([row.id for row in expired])))
    store = video_store()
    for row in expired:
        if row.submission_id is None:
            store.abort(row.file_key)
    return len(expired)


def register(huey: Huey) -> None:
    """Declare the clean-up job and the hourly task that starts it."""

    @job(huey, title="Delete expired resumable uploads")
    def purge_expired_tus(progress: Progress) -> str:
        """Delete unfinished uploads past ``tus_expiry_hours``."""
        return f"Deleted {purge_expired_uploads()} expired uploads."

    @huey.periodic_task(crontab(minute="23"), name="campaignkit.plugins.videos.tus_expiry")
    def purge_every_hour() -> None:
        """Every hour: queue the clean-up job."""
        purge_expired_tus.enqueue()
