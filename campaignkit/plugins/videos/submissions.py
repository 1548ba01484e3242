"""Making a submission: the one door both link submissions and uploads go through.

``create_submission`` checks that the person may produce videos and that the
brief (when there is one) is open and claimed by them, stores the row in the
given session and logs its first state; ``create_upload`` does the same for a
file in the store and makes the file whole with the row. The media fields are
filled later by the processing job.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.plugins.videos.models import (
    APPROVED,
    KINDS,
    LINK,
    OPEN,
    SUBMITTED,
    UPLOAD,
    Brief,
    Claim,
    Producer,
    StateChange,
    Submission,
    now,
)
from campaignkit.plugins.videos.storage import CONTENT_TYPES, VideoStore


def is_https_url(text: str | None) -> bool:
    """True for an absolute https address with a host (and no spaces)."""
    if not text or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:  # an unbalanced "[" in the host
        return False
    return parts.scheme == "https" and bool(parts.hostname)


class SubmissionRefused(Exception):
    """A submission that cannot be taken; the message says why, for the producer."""


def may_submit(session: Session, producer_id: int | None) -> bool:
    """True when the account is an approved producer."""
    if producer_id is None:
        return False
    status = session.scalar(select(Producer.status).where(Producer.user_id == producer_id))
    return status == APPROVED


def _check_brief(session: Session, brief_id: int, producer_id: int) -> None:
    brief = session.get(Brief, brief_id)
    if brief is None:
        raise SubmissionRefused("That brief does not exist.")
    if brief.status != OPEN:
        raise SubmissionRefused("That brief is closed; submit it as an open video instead.")
    claimed = session.scalar(
        select(Claim.id).where(Claim.brief_id == brief_id, Claim.producer_id == producer_id)
    )
    if claimed is None:
        raise SubmissionRefused("Claim the brief before submitting a video for it.")


def create_submission(
    session: Session,
    *,
    producer_id: int,
    brief_id: int | None,
    title: str,
    description: str,
    kind: str,
    link_url: str | None = None,
) -> Submission:
    """Add a new submission in state "submitted" to ``session`` and return it (flushed).

    Raises ``SubmissionRefused`` when the person is not an approved producer,
    the brief is missing, closed or not claimed by them, the title is empty
    or the kind is unknown; nothing is added then.
    """
    if not may_submit(session, producer_id):
        raise SubmissionRefused("Only approved producers can submit videos.")
    if kind not in KINDS:
        raise SubmissionRefused(f"Unknown kind of submission {kind!r}.")
    title = (title or "").strip()
    if not title:
        raise SubmissionRefused("Give the video a title.")
    if kind == LINK and not is_https_url(link_url):
        raise SubmissionRefused("Give the video's address, starting with https://.")
    if brief_id is not None:
        _check_brief(session, brief_id, producer_id)
    moment = now()
    submission = Submission(
        producer_id=producer_id,
        brief_id=brief_id,
        title=title,
        description=description or "",
        kind=kind,
        link_url=link_url if kind == LINK else None,
        state=SUBMITTED,
        media_status="pending",
        created_at=moment,
        updated_at=moment,
    )
    session.add(submission)
    session.flush()
    session.add(
        StateChange(
            submission_id=submission.id,
            from_state=None,
            to_state=SUBMITTED,
            by_id=producer_id,
            note="",
            created_at=moment,
        )
    )
    return submission


def create_upload(
    session: Session,
    store: VideoStore,
    key: str,
    *,
    producer_id: int,
    brief_id: int | None,
    title: str,
    description: str,
) -> Submission:
    """`create_submission` for a file the store holds unfinished under `key`: the row gets the
    file's key, size and content type, and the file is made whole (committed) with it.

    Raises ``SubmissionRefused`` (the file left unfinished) when the submission is not taken.
    """
    row = create_submission(session, producer_id=producer_id, brief_id=brief_id, title=title,
                            description=description, kind=UPLOAD)  # fmt: skip
    row.file_key, row.file_size = key, store.part_size(key)
    row.content_type = CONTENT_TYPES[Path(key).suffix]
    store.commit(key)
    return row
