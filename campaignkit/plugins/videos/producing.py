"""The producer's pages: send a video as a link, follow "my videos", resubmit after changes.

Uploads have their own form (the ``videos/_upload_choice.html`` partial links
to it); a link submission is checked here, stored through
``create_submission`` and handed to the media processing, which fetches its
metadata in the background.
"""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    current_user,
    db_session,
    one_line,
    plugin_settings,
    rate_limited,
    require_permission,
    signin_required,
    write_session,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.briefs import brief_in_query
from campaignkit.plugins.videos.models import (
    CHANGES,
    LINK,
    SUBMITTED,
    Review,
    StateChange,
    Submission,
    now,
)
from campaignkit.plugins.videos.submissions import (
    SubmissionRefused,
    create_submission,
    is_https_url,
)

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 5000


def start_media_processing(submission_id: int) -> str | None:
    """Queue the media job for a submission (its link's metadata); returns the job id.

    The job lives in the plugin's ``processing`` module; until that module is
    present nothing is queued and the submission keeps media_status "pending".
    """
    try:
        from campaignkit.plugins.videos import processing  # noqa: PLC0415 - optional part
    except ImportError:
        return None
    return processing.start_processing(submission_id)


def _link_problem(form) -> str | None:  # noqa: ANN001 - a MultiDict
    title, url = one_line(form.get("title")), form.get("link_url", "").strip()
    if not title or len(title) > 200:
        return "Give the video a title of up to 200 characters."
    if not is_https_url(url) or len(url) > 2000:
        return "Give the video's address, starting with https:// (up to 2000 characters)."
    if len(form.get("description", "")) > DESCRIPTION_LIMIT:
        return f"Keep the description to {DESCRIPTION_LIMIT} characters."
    return None


@bp.route("/submit", methods=["GET", "POST"])
@require_permission("videos.produce")
@rate_limited(lambda: plugin_settings("videos").submit_rate)
def submit():
    """Send a video as a link (PeerTube, YouTube, Vimeo or a direct https address)."""
    brief_id, brief = brief_in_query()
    error = None
    if request.method == "POST":
        error = _link_problem(request.form)
        if error is None:
            try:
                with write_session() as session:
                    row = create_submission(
                        session, producer_id=current_user.id, brief_id=brief_id,
                        title=one_line(request.form.get("title")),
                        description=request.form.get("description", "").strip(),
                        kind=LINK, link_url=request.form["link_url"].strip(),
                    )  # fmt: skip
                    submission_id = row.id
            except SubmissionRefused as exc:
                error = str(exc)
            else:
                _record_job(submission_id, start_media_processing(submission_id))
                flash("Thank you: your video is waiting for review.", "success")
                return redirect(url_for(".mine"), 303)
    page = render_template("videos/submit.html", brief=brief, error=error, form=request.form)
    return page, 400 if error else 200


def _record_job(submission_id: int, job_id: str | None) -> None:
    if job_id is None:
        return
    with write_session() as session:
        row = session.get(Submission, submission_id, with_for_update=True)
        if row is not None and row.media_job_id is None:
            row.media_job_id = job_id


@bp.get("/mine")
@signin_required
def mine():
    """The signed-in producer's videos: review state, processing state and reviewers' comments."""
    session = db_session()
    rows = session.scalars(
        select(Submission)
        .where(Submission.producer_id == current_user.id)
        .order_by(Submission.created_at.desc())
    ).all()
    comments: dict[int, list[Review]] = {}
    if rows:
        reviews = session.scalars(
            select(Review)
            .where(Review.submission_id.in_([r.id for r in rows]), Review.comment != "")
            .order_by(Review.created_at)
        )
        for review in reviews:
            comments.setdefault(review.submission_id, []).append(review)
    return render_template("videos/mine.html", submissions=rows, comments=comments)


@bp.post("/mine/<int:submission_id>/resubmit")
@require_permission("videos.produce")
def resubmit(submission_id: int):
    """Send a video back for review after changes were asked for (a link may be replaced)."""
    url = request.form.get("link_url", "").strip()
    with write_session() as session:
        row = session.get(Submission, submission_id, with_for_update=True)
        if row is None or row.producer_id != current_user.id:
            abort(404)
        if row.state != CHANGES:
            flash("Only a video with changes asked for can be sent again.", "error")
            return redirect(url_for(".mine"), 303)
        if url and row.kind == LINK:
            if not is_https_url(url) or len(url) > 2000:
                flash("Give the video's address, starting with https://.", "error")
                return redirect(url_for(".mine"), 303)
            row.link_url, row.media_status, row.media_error = url, "pending", None
        moment = now()
        session.add(StateChange(submission_id=row.id, from_state=row.state, to_state=SUBMITTED,
                                by_id=current_user.id, note="", created_at=moment))  # fmt: skip
        row.state, row.updated_at = SUBMITTED, moment
        relink = bool(url and row.kind == LINK)
    if relink:
        _record_job(submission_id, start_media_processing(submission_id))
    flash("Sent back for review.", "success")
    return redirect(url_for(".mine"), 303)
