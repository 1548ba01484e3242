"""The plugin's part of personal-data export and erasure.

A producer's data is their application (credit name, portfolio, skills), the
videos they sent, the briefs they claimed and any reviews they wrote.
Erasure takes their identity off everything: the application goes, published
videos stay credited to "a volunteer", and with ``erase_withdraws_unpublished``
(the default) their unpublished videos are withdrawn and the files deleted
once the erasure is committed.
"""

from __future__ import annotations

from sqlalchemy import event, select, update

from campaignkit.core import plugin_settings
from campaignkit.plugins.videos.files import delete_stored_files, keys_of
from campaignkit.plugins.videos.models import (
    PUBLISHED,
    TAKEN_DOWN,
    Brief,
    Claim,
    Producer,
    Review,
    StateChange,
    Submission,
    Takedown,
)

#: States in which a video has been shown publicly (kept, with an anonymous credit).
SHOWN = (PUBLISHED, TAKEN_DOWN)


def export(subject, session) -> dict | None:  # noqa: ANN001 - a DataSubject
    """The subject's application, videos, claims and reviews; None when there are none."""
    if subject.user_id is None:
        return None
    uid = subject.user_id
    producer = session.scalar(select(Producer).where(Producer.user_id == uid))
    videos = session.scalars(select(Submission).where(Submission.producer_id == uid)).all()
    claims = session.execute(
        select(Brief.title, Claim.created_at).join(Brief, Brief.id == Claim.brief_id)
        .where(Claim.producer_id == uid)
    ).all()  # fmt: skip
    reviews = session.scalars(select(Review).where(Review.reviewer_id == uid)).all()
    if not (producer or videos or claims or reviews):
        return None
    return {
        "producer": producer and {
            "credit_name": producer.credit_name, "portfolio_url": producer.portfolio_url,
            "skills": producer.skills, "status": producer.status,
            "applied_at": producer.created_at, "decided_at": producer.decided_at,
        },
        "videos": [
            {"title": v.title, "description": v.description, "kind": v.kind,
             "link_url": v.link_url, "state": v.state, "brief_id": v.brief_id,
             "sent_at": v.created_at, "published_at": v.published_at}
            for v in videos
        ],
        "claims": [{"brief": title, "claimed_at": at} for title, at in claims],
        "reviews": [
            {"video_id": r.submission_id, "decision": r.decision, "comment": r.comment,
             "at": r.created_at}
            for r in reviews
        ],
    }  # fmt: skip


def _release_claims(session, uid: int) -> None:  # noqa: ANN001
    for brief_id in session.scalars(select(Claim.brief_id).where(Claim.producer_id == uid)):
        session.execute(
            update(Brief).where(Brief.id == brief_id, Brief.claim_count > 0)
            .values(claim_count=Brief.claim_count - 1)
        )  # fmt: skip
    for row in session.scalars(select(Claim).where(Claim.producer_id == uid)):
        session.delete(row)


def erase(subject, session) -> int:  # noqa: ANN001 - a DataSubject
    """Take the subject off every video, claim, review and log; returns rows changed."""
    if subject.user_id is None:
        return 0
    uid, changed = subject.user_id, 0
    withdraw = plugin_settings("videos").erase_withdraws_unpublished
    doomed: list[str] = []
    for row in session.scalars(select(Submission).where(Submission.producer_id == uid)):
        if withdraw and row.state not in SHOWN:
            doomed += keys_of(row)
            session.delete(row)
        else:
            row.producer_id = None
        changed += 1
    _release_claims(session, uid)
    for producer in session.scalars(select(Producer).where(Producer.user_id == uid)):
        session.delete(producer)
        changed += 1
    for model, column in ((Review, Review.reviewer_id), (StateChange, StateChange.by_id),
                          (Takedown, Takedown.by_id), (Brief, Brief.created_by),
                          (Producer, Producer.decided_by)):  # fmt: skip
        changed += session.execute(
            update(model).where(column == uid).values({column: None})
        ).rowcount
    if doomed:
        event.listen(session, "after_commit", lambda _s: delete_stored_files(doomed), once=True)
    return changed
