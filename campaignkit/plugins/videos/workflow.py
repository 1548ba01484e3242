"""The review workflow: which state may follow which, the checklist, approvals and the log.

submitted -> in_review -> changes_requested (-> submitted again) -> approved ->
published -> taken_down, or rejected from any state before publishing. Every
change adds a ``StateChange`` row (who, when, from, to, a note) in the same
transaction as the change itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from campaignkit.plugins.videos.models import (
    APPROVED,
    CHANGES,
    IN_REVIEW,
    PUBLISHED,
    REJECTED,
    SUBMITTED,
    TAKEN_DOWN,
    Review,
    StateChange,
    Submission,
    now,
)

#: The checklist every reviewer ticks before approving: form field -> what it asks.
CHECKLIST = {
    "message_fits": "The message fits the brief",
    "no_copyrighted_music": "No copyrighted music (or the rights are cleared)",
    "consent_of_people": "Everyone shown has consented to appear",
    "captions_present": "Captions are present",
    "digital_imprint": (
        "Election material carries the digital imprint the Elections Act 2022 requires "
        "(promoter's name and address), or this is not election material"
    ),
}
#: What a reviewer's decision moves the submission to.
DECISIONS = {"approve": APPROVED, "changes": CHANGES, "reject": REJECTED}
#: The states a reviewer may decide from.
REVIEWABLE = (SUBMITTED, IN_REVIEW, APPROVED)
#: The states a video may be rejected or taken down from.
OPEN_STATES = (SUBMITTED, IN_REVIEW, CHANGES, APPROVED)


class WorkflowError(Exception):
    """A step the workflow does not allow; the message says why."""


def log_change(
    session: Session, row: Submission, to_state: str, by: int | None, note: str = ""
) -> None:
    """Move ``row`` to ``to_state`` and log who did it and when."""
    moment = now()
    session.add(StateChange(submission_id=row.id, from_state=row.state, to_state=to_state,
                            by_id=by, note=note, created_at=moment))  # fmt: skip
    row.state, row.updated_at = to_state, moment


def approvals(session: Session, submission_id: int) -> int:
    """How many different reviewers approved the current version."""
    return session.scalar(
        select(func.count(func.distinct(Review.reviewer_id))).where(
            Review.submission_id == submission_id,
            Review.current.is_(True),
            Review.decision == APPROVED,
            Review.reviewer_id.is_not(None),
        )
    )


def start_review(session: Session, row: Submission, by: int) -> None:
    """A reviewer takes a submitted video."""
    if row.state != SUBMITTED:
        raise WorkflowError("Only a submitted video can be taken for review.")
    log_change(session, row, IN_REVIEW, by)


def decide(
    session: Session,
    row: Submission,
    *,
    by: int,
    decision: str,
    ticks: dict[str, bool],
    comment: str,
    required: int,
) -> str:
    """Record one reviewer's checklist and decision; returns the submission's new state.

    Load ``row`` with ``with_for_update=True``, so two reviewers deciding at
    once are counted one after the other. Nobody reviews their own video.
    Approval needs every checklist item ticked; the video is "approved" once
    ``required`` different reviewers have approved this version. Asking for
    changes makes earlier approvals stale.
    """
    to_state = DECISIONS.get(decision)
    if to_state is None:
        raise WorkflowError("Choose approve, ask for changes or reject.")
    if row.state not in REVIEWABLE:
        raise WorkflowError(f"A video that is {row.state.replace('_', ' ')} cannot be reviewed.")
    if row.producer_id == by:
        raise WorkflowError("Someone else must review your own video.")
    if to_state == APPROVED and not all(ticks.get(name) for name in CHECKLIST):
        raise WorkflowError("Tick every item of the checklist before approving.")
    if to_state != APPROVED and not comment:
        raise WorkflowError("Tell the producer why, in the comment.")
    session.add(Review(submission_id=row.id, reviewer_id=by, decision=to_state, comment=comment,
                       current=True, created_at=now(),
                       **{name: bool(ticks.get(name)) for name in CHECKLIST}))  # fmt: skip
    session.flush()
    if to_state == APPROVED:
        count = approvals(session, row.id)
        if count < required:
            if row.state == SUBMITTED:
                log_change(session, row, IN_REVIEW, by)
            _note(session, row, by, f"Approved by {count} of {required} reviewers.")
            return row.state
        if row.state != APPROVED:
            log_change(session, row, APPROVED, by, f"Approved by {count} reviewers.")
        return row.state
    if to_state == CHANGES:
        session.execute(update(Review).where(Review.submission_id == row.id).values(current=False))
    log_change(session, row, to_state, by, comment)
    return row.state


def _note(session: Session, row: Submission, by: int, note: str) -> None:
    session.add(StateChange(submission_id=row.id, from_state=row.state, to_state=row.state,
                            by_id=by, note=note, created_at=now()))  # fmt: skip


def publish(session: Session, row: Submission, *, by: int, required: int) -> datetime:
    """Publish an approved video (with enough approvals); returns when."""
    if row.state != APPROVED:
        raise WorkflowError("Only an approved video can be published.")
    count = approvals(session, row.id)
    if count < required:
        raise WorkflowError(f"This video needs {required} reviewers' approval; it has {count}.")
    log_change(session, row, PUBLISHED, by)
    row.published_at = row.updated_at
    return row.published_at


def take_down(session: Session, row: Submission, *, by: int, reason: str) -> None:
    """Take a published (or not yet published) video down, with the reason logged."""
    if row.state not in (PUBLISHED, *OPEN_STATES):
        raise WorkflowError("This video is already taken down or rejected.")
    if not reason:
        raise WorkflowError("Give the reason for the takedown.")
    log_change(session, row, TAKEN_DOWN, by, reason)
