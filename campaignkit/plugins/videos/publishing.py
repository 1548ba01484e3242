"""Publishing (``videos.publish``): the public gallery, a page per video, takedowns.

Publishing calls ``campaignkit_video_published(video)`` after the commit. A
takedown is logged with its reason (a ``Takedown`` row and the state log);
the files stay until ``campaignkit videos purge`` deletes them after
``retention_days``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from campaignkit.core import (
    call_plugins,
    current_user,
    db_session,
    plugin_settings,
    public_url_for,
    query_int,
    require_permission,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.models import (
    ANONYMOUS_CREDIT,
    PUBLISHED,
    Producer,
    Submission,
    Takedown,
    now,
)
from campaignkit.plugins.videos.review import locked_submission
from campaignkit.plugins.videos.workflow import WorkflowError, publish, take_down

PAGE_SIZE = 24


def credit_of(submission: Submission) -> str:
    """The name a published video is credited to ("a volunteer" once erased)."""
    if submission.producer_id is None:
        return ANONYMOUS_CREDIT
    name = db_session().scalar(
        select(Producer.credit_name).where(Producer.user_id == submission.producer_id)
    )
    return name or ANONYMOUS_CREDIT


def og_image(submission: Submission) -> str | None:
    """The picture for link previews: the poster frame when there is one, else the link's
    thumbnail (an https address), else None."""
    if submission.poster_key:
        try:
            return public_url_for("videos_media.poster", submission_id=submission.id)
        except BuildError:
            pass
    thumbnail = submission.link_thumbnail_url or ""
    return thumbnail if thumbnail.startswith("https://") else None


@bp.get("")
def gallery():
    """Published videos, newest first."""
    page = query_int("page", 1, 1, 10_000)
    rows = (
        db_session()
        .scalars(
            select(Submission)
            .where(Submission.state == PUBLISHED)
            .order_by(Submission.published_at.desc(), Submission.id.desc())
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
        .all()
    )
    return render_template("videos/gallery.html", submissions=rows[:PAGE_SIZE], page=page,
                           more=len(rows) > PAGE_SIZE, credit_of=credit_of)  # fmt: skip


@bp.get("/<int:video_id>")
def video(video_id: int):
    """One published video: the player, its credit, share buttons and Open Graph tags."""
    row = db_session().get(Submission, video_id)
    if row is None or row.state != PUBLISHED:
        abort(404)
    url = public_url_for("videos.video", video_id=row.id)
    return render_template("videos/video.html", submission=row, url=url, image=og_image(row),
                           credit=credit_of(row))  # fmt: skip


@bp.post("/review/<int:submission_id>/publish")
@require_permission("videos.publish")
def publish_video(submission_id: int):
    """Publish an approved video to the gallery and tell other plugins."""
    try:
        with locked_submission(submission_id) as (session, row):
            publish(session, row, by=current_user.id,
                    required=plugin_settings("videos").reviewers_required)  # fmt: skip
    except WorkflowError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".review_page", submission_id=submission_id), 303)
    published = db_session().get(Submission, submission_id)
    call_plugins("campaignkit_video_published", video=published)
    flash("Published.", "success")
    return redirect(url_for(".video", video_id=submission_id), 303)


@bp.post("/review/<int:submission_id>/takedown")
@require_permission("videos.publish")
def takedown(submission_id: int):
    """Take a video down with a reason; its files are purged after the retention period."""
    reason = request.form.get("reason", "").strip()
    if len(reason) > 5000:
        abort(400, description="Keep the reason to 5000 characters.")
    try:
        with locked_submission(submission_id) as (session, row):
            take_down(session, row, by=current_user.id, reason=reason)
            session.add(Takedown(submission_id=row.id, reason=reason, by_id=current_user.id,
                                 created_at=now()))  # fmt: skip
    except WorkflowError as exc:
        flash(str(exc), "error")
    else:
        flash("Taken down.", "success")
    return redirect(url_for(".review_page", submission_id=submission_id), 303)
