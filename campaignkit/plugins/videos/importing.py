"""Importing a video file that arrived another way (``campaignkit videos import``).

Everything that can be checked is checked before a byte is copied: the file is
there, the producer's account exists and is an approved producer, the brief
exists, is open and is claimed by them, the file is within the upload cap and
fits in the free disk space. The file is then copied into the store in chunks
(never whole in memory) under a key the server makes, the submission is made
through `create_submission` (which checks again) and the media job is started.
A copy cut short or a submission refused leaves nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from campaignkit.core import find_user, plugin_settings, read_session, write_session
from campaignkit.plugins.videos.models import APPROVED, OPEN, Brief, Claim, Producer
from campaignkit.plugins.videos.processing import start_processing
from campaignkit.plugins.videos.storage import (
    CHUNK_BYTES,
    extension_for,
    video_store,
)
from campaignkit.plugins.videos.submissions import create_upload
from campaignkit.plugins.videos.uploads import DISK_RESERVE_BYTES, upload_cap_bytes


class ImportRefused(Exception):
    """An import that cannot be done; the message says why."""


def producer_for_import(email: str) -> int:
    """The user id of the approved producer with this email address."""
    user = find_user(email)
    if user is None:
        raise ImportRefused(f"No account has the email address {email!r}.")
    with read_session() as session:
        status = session.scalar(select(Producer.status).where(Producer.user_id == user.id))
    if status != APPROVED:
        raise ImportRefused(f"{user.email} is not an approved producer.")
    return user.id


def check_brief_for_import(brief_id: int, producer_id: int, email: str) -> None:
    """Refuse a brief that is missing, closed or not claimed by the producer."""
    with read_session() as session:
        brief = session.get(Brief, brief_id)
        if brief is None:
            raise ImportRefused(f"There is no brief {brief_id}.")
        if brief.status != OPEN:
            raise ImportRefused(f"Brief {brief_id} is closed.")
        claim = session.scalar(
            select(Claim.id).where(Claim.brief_id == brief_id, Claim.producer_id == producer_id)
        )
    if claim is None:
        raise ImportRefused(f"{email} has not claimed brief {brief_id}; they claim it first.")


def check_file_for_import(source: Path) -> int:
    """The file's size, after refusing a missing file, one over the cap or over the free space."""
    if not source.is_file():
        raise ImportRefused(f"There is no file at {str(source)!r}.")
    size = source.stat().st_size
    if size > upload_cap_bytes():
        limit = plugin_settings("videos").max_upload_mb
        raise ImportRefused(f"The file is larger than the {limit} MB that is taken.")
    if size + DISK_RESERVE_BYTES > video_store().free_bytes():
        raise ImportRefused("There is not enough free disk space for this file.")
    return size


def copy_into_store(source: Path, copied: Callable[[int], None]) -> str:
    """Copy `source` into the store in chunks, calling ``copied(bytes)`` after each; its key."""
    store = video_store()
    key = store.new_key(extension_for(source.name))
    try:
        with source.open("rb") as reading, store.open_part(key) as writing:
            while chunk := reading.read(CHUNK_BYTES):
                writing.write(chunk)
                copied(len(chunk))
    except BaseException:
        store.abort(key)
        raise
    return key


def check_import(source: Path, *, brief_id: int | None, email: str) -> int:
    """Check everything before copying; returns the producer's user id.

    Raises ``ImportRefused`` for a missing file, one over the cap or the free space, an
    unknown email address, someone who is not an approved producer and a brief that is
    missing, closed or not claimed by them.
    """
    check_file_for_import(source)
    producer_id = producer_for_import(email)
    if brief_id is not None:
        check_brief_for_import(brief_id, producer_id, email)
    return producer_id


def import_video(
    source: Path,
    *,
    producer_id: int,
    brief_id: int | None,
    title: str,
    description: str = "",
    copied: Callable[[int], None] = lambda _n: None,
) -> int:
    """Copy `source` into the store as the producer's submission and start processing it;
    returns the submission's id. Call `check_import` first.

    Raises ``SubmissionRefused`` (nothing stored) when the submission is not taken.
    """
    key = copy_into_store(source, copied)
    store = video_store()
    try:
        with write_session() as session:
            row = create_upload(session, store, key, producer_id=producer_id, brief_id=brief_id,
                                title=title, description=description)  # fmt: skip
            submission_id = row.id
    except BaseException:
        store.delete_key(key)
        raise
    start_processing(submission_id)
    return submission_id
