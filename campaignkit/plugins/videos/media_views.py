"""The media pages: the upload form, the stored files, and captions.

Files are served only to those who may see them: anyone for a published video, the
producer for their own, reviewers (``videos.review``) for all; to anyone else a
submission's files do not exist (404). Each is served from its server-made key with
its own content type, ranges (so a player can seek) and ``Content-Disposition``.
The resumable (tus) uploads are on this blueprint too (``tus``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from campaignkit.core import (
    current_user,
    db_session,
    has_permission,
    in_memory_uploads,
    one_line,
    plugin_settings,
    rate_limited,
    require_permission,
    streamed_uploads,
    write_session,
)
from campaignkit.plugins.videos import uploads
from campaignkit.plugins.videos.briefs import brief_in_query
from campaignkit.plugins.videos.captions import MAX_BYTES, CaptionsInvalid, check_webvtt
from campaignkit.plugins.videos.models import PUBLISHED, Submission, now
from campaignkit.plugins.videos.processing import start_processing
from campaignkit.plugins.videos.storage import StoreError, serve_file, video_store
from campaignkit.plugins.videos.submissions import SubmissionRefused

media_bp = Blueprint("videos_media", __name__, url_prefix="/videos/media")
media_bp.teardown_request(uploads.discard_unfinished)
DESCRIPTION_LIMIT = 5000


def _form_problem(title: str, upload) -> str | None:  # noqa: ANN001 - a FileStorage or None
    if not title or len(title) > 200:
        return "Give the video a title of up to 200 characters."
    if len(request.form.get("description", "")) > DESCRIPTION_LIMIT:
        return f"Keep the description to {DESCRIPTION_LIMIT} characters."
    if upload is None or not upload.filename:
        return "Choose the video file to upload."
    if uploads.upload_size(upload) == 0:
        return "The file is empty."
    return None


@media_bp.route("/upload", methods=["GET", "POST"])
@streamed_uploads(
    uploads.open_upload_part,
    before_reading=uploads.check_before_reading,
    max_bytes=uploads.request_cap_bytes,
)
@require_permission("videos.produce")
@rate_limited(lambda: plugin_settings("videos").submit_rate)
def upload_form():
    """Upload a video file with a plain form (no JavaScript needed)."""
    brief_id, brief = brief_in_query()
    error = None
    if request.method == "POST":
        title = one_line(request.form.get("title"))
        upload = request.files.get("file")
        error = _form_problem(title, upload)
        if error is None:
            try:
                submission_id = uploads.store_upload(
                    upload, brief_id=brief_id, title=title,
                    description=request.form.get("description", "").strip(),
                )  # fmt: skip
            except SubmissionRefused as exc:
                error = str(exc)
            else:
                start_processing(submission_id)
                flash(
                    "Thank you: your video is being checked, then it waits for review.", "success"
                )
                return redirect(url_for("videos.mine"), 303)
    page = render_template("videos/upload.html", brief=brief, error=error, form=request.form,
                           max_mb=plugin_settings("videos").max_upload_mb)  # fmt: skip
    return page, 400 if error else 200


def visible_submission(submission_id: int) -> Submission:
    """The submission if the person may see its files; 404 otherwise."""
    row = db_session().get(Submission, submission_id)
    if row is None:
        abort(404)
    mine = current_user.is_authenticated and row.producer_id == current_user.id
    if row.state != PUBLISHED and not mine and not has_permission(current_user, "videos.review"):
        abort(404)
    return row


def _serve(key: str | None, row: Submission, download: bool = False):  # noqa: ANN202
    if not key:
        abort(404)
    try:
        return serve_file(video_store(), key, row.title, download=download)
    except StoreError:
        abort(404)


@media_bp.get("/<int:submission_id>/file")
def file(submission_id: int):
    """The uploaded file itself (``?download=1`` to save it rather than play it)."""
    row = visible_submission(submission_id)
    return _serve(row.file_key, row, download=request.args.get("download") == "1")


@media_bp.get("/<int:submission_id>/poster.jpg")
def poster(submission_id: int):
    """The poster frame (JPEG)."""
    row = visible_submission(submission_id)
    return _serve(row.poster_key, row)


@media_bp.get("/<int:submission_id>/preview.mp4")
def preview(submission_id: int):
    """The small phone-friendly preview (H.264/AAC MP4)."""
    row = visible_submission(submission_id)
    return _serve(row.preview_key, row)


@media_bp.get("/<int:submission_id>/captions.vtt")
def captions(submission_id: int):
    """The captions (WebVTT)."""
    row = visible_submission(submission_id)
    return _serve(row.captions_key, row)


@media_bp.route("/<int:submission_id>/captions", methods=["GET", "POST"])
@in_memory_uploads(MAX_BYTES + 64 * 1024)
@require_permission("videos.produce")
def captions_upload(submission_id: int):
    """Add or replace a video's WebVTT captions (its producer only); checked before storing."""
    row = db_session().get(Submission, submission_id)
    if row is None or row.producer_id != current_user.id:
        abort(404)
    if request.method == "GET":
        return render_template("videos/captions.html", submission=row, error=None)
    upload = request.files.get("captions")
    data = upload.read(MAX_BYTES + 1) if upload else b""
    try:
        check_webvtt(data)
    except CaptionsInvalid as exc:
        page = render_template("videos/captions.html", submission=row, error=str(exc))
        return page, 400
    store = video_store()
    key = store.new_key(".vtt")
    with store.open_part(key) as part:
        part.write(data)
    store.commit(key)
    with write_session() as session:
        stored = session.get(Submission, submission_id)
        old, stored.captions_key, stored.updated_at = stored.captions_key, key, now()
    if old:
        store.delete_key(old)
    flash("The captions were added.", "success")
    return redirect(url_for("videos.mine"), 303)
