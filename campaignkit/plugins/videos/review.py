"""The review queue (``videos.review``): take a video, tick the checklist, decide, comment.

The producer is mailed every decision with the reviewer's comment; mail is
best effort (a refused message is logged and the decision stands).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core import (
    MailError,
    campaign_name,
    current_user,
    db_session,
    load_user,
    plugin_settings,
    public_url_for,
    require_permission,
    send_mail,
    write_session,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.models import (
    APPROVED,
    CHANGES,
    IN_REVIEW,
    PUBLISHED,
    REJECTED,
    SUBMITTED,
    Brief,
    Review,
    StateChange,
    Submission,
    Takedown,
)
from campaignkit.plugins.videos.workflow import (
    CHECKLIST,
    WorkflowError,
    approvals,
    decide,
    start_review,
)

log = logging.getLogger(__name__)
QUEUE_STATES = (SUBMITTED, IN_REVIEW, CHANGES, APPROVED)
SUBJECTS = {
    APPROVED: "Your video is approved",
    CHANGES: "Changes asked for on your video",
    REJECTED: "Your video was not accepted",
}


@contextmanager
def locked_submission(submission_id: int) -> Iterator[tuple[Session, Submission]]:
    """A write session and the submission, locked while its state changes (404 if none)."""
    with write_session() as session:
        row = session.get(Submission, submission_id, with_for_update=True)
        if row is None:
            abort(404)
        yield session, row


def mail_producer(producer_id: int | None, subject: str, body: str) -> None:
    """Mail a producer (nothing when the account is gone); a refused message is logged."""
    user = load_user(producer_id) if producer_id else None
    if user is None:
        return
    try:
        send_mail(user.email, f"{subject} · {campaign_name()}", body)
    except MailError as exc:
        log.warning("videos: could not mail producer %s: %s", producer_id, exc)


@bp.get("/review")
@require_permission("videos.review")
def queue():
    """Videos waiting for review, oldest first, and the latest published (to take down)."""
    rows = (
        db_session()
        .scalars(
            select(Submission)
            .where(Submission.state.in_(QUEUE_STATES))
            .order_by(Submission.created_at)
        )
        .all()
    )
    published = db_session().scalars(
        select(Submission)
        .where(Submission.state == PUBLISHED)
        .order_by(Submission.published_at.desc())
        .limit(50)
    )
    return render_template("videos/queue.html", submissions=rows, published=list(published))


def _submission_or_404(submission_id: int) -> Submission:
    row = db_session().get(Submission, submission_id)
    if row is None:
        abort(404)
    return row


@bp.get("/review/<int:submission_id>")
@require_permission("videos.review")
def review_page(submission_id: int):
    """One video: the player, its brief, the checklist, the reviews so far and the state log."""
    row = _submission_or_404(submission_id)
    session = db_session()
    reviews = session.scalars(
        select(Review).where(Review.submission_id == row.id).order_by(Review.created_at)
    ).all()
    changes = session.scalars(
        select(StateChange).where(StateChange.submission_id == row.id).order_by(StateChange.id)
    ).all()
    takedowns = session.scalars(select(Takedown).where(Takedown.submission_id == row.id)).all()
    people = {
        uid: load_user(uid)
        for uid in {c.by_id for c in changes} | {r.reviewer_id for r in reviews}
        if uid
    }
    brief = session.get(Brief, row.brief_id) if row.brief_id else None
    return render_template(
        "videos/review.html", submission=row, brief=brief,
        reviews=reviews, changes=changes, takedowns=takedowns, people=people, checklist=CHECKLIST,
        approvals=approvals(session, row.id), required=plugin_settings("videos").reviewers_required,
    )  # fmt: skip


@bp.post("/review/<int:submission_id>/start")
@require_permission("videos.review")
def start(submission_id: int):
    """Take a submitted video for review."""
    try:
        with locked_submission(submission_id) as (session, row):
            start_review(session, row, current_user.id)
    except WorkflowError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".review_page", submission_id=submission_id), 303)


@bp.post("/review/<int:submission_id>")
@require_permission("videos.review")
def review_decision(submission_id: int):
    """Record the reviewer's checklist, decision and comment; mail the producer."""
    form = request.form
    comment = form.get("comment", "").strip()
    if len(comment) > 5000:
        abort(400, description="Keep the comment to 5000 characters.")
    try:
        with locked_submission(submission_id) as (session, row):
            before = row.state
            state = decide(
                session, row, by=current_user.id, decision=form.get("decision", ""),
                ticks={name: form.get(name) == "yes" for name in CHECKLIST}, comment=comment,
                required=plugin_settings("videos").reviewers_required,
            )  # fmt: skip
            producer_id, title = row.producer_id, row.title
    except WorkflowError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".review_page", submission_id=submission_id), 303)
    if state != before and state in SUBJECTS:
        mine = public_url_for("videos.mine")
        body = f"“{title}” is now {state.replace('_', ' ')}.\n\n"
        body += f"{comment}\n\n" if comment else ""
        mail_producer(producer_id, SUBJECTS[state], body + f"See your videos: {mine}\n")
    flash(f"Saved: the video is {state.replace('_', ' ')}.", "success")
    return redirect(url_for(".review_page", submission_id=submission_id), 303)
