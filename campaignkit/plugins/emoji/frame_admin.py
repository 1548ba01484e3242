"""Organiser pages for profile-picture frames (``emoji.manage``): upload, retire, restore, delete.

An upload is checked and re-encoded by ``frames.clean_frame``; a refused file
stores nothing and comes back with a message (status 400). Each frame shows
how many framed pictures supporters have downloaded with it.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import db_session, plugin_settings, require_permission
from campaignkit.plugins.emoji.admin import bp
from campaignkit.plugins.emoji.frames import Frame, add_frame, delete_frame, set_retired
from campaignkit.plugins.emoji.intake import IntakeError


@bp.route("/frames", methods=["GET", "POST"])
@require_permission("emoji.manage")
def frames():
    """Every frame with its count of pictures made, and the form to upload one."""
    error = None
    max_mb = plugin_settings("emoji").max_upload_mb
    if request.method == "POST":
        upload = request.files.get("image")
        try:
            if upload is None or not upload.filename:
                raise IntakeError("Choose the frame's PNG file.")
            limit = max_mb * 1024 * 1024
            add_frame(request.form.get("title", ""), upload.stream.read(limit + 1), limit)
        except IntakeError as exc:
            error = str(exc)
        else:
            flash("Frame added.", "success")
            return redirect(url_for(".frames"), 303)
    listed = db_session().scalars(select(Frame).order_by(Frame.retired, Frame.id.desc()))
    page = render_template("emoji/admin_frames.html", frames=list(listed), error=error,
                           form=request.form, max_mb=max_mb)  # fmt: skip
    return page, 400 if error else 200


@bp.get("/frames/<int:frame_id>/frame.png")
@require_permission("emoji.manage")
def frame_image(frame_id: int):
    """A frame's stored PNG, retired or not."""
    frame = db_session().get(Frame, frame_id)
    if frame is None:
        abort(404, description="There is no such frame.")
    return Response(frame.image, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.post("/frames/<int:frame_id>/retire")
@require_permission("emoji.manage")
def retire_frame(frame_id: int):
    """Stop offering a frame (``retired=yes``) or offer it again (``retired=no``)."""
    choice = request.form.get("retired", "")
    if choice not in ("yes", "no"):
        abort(400, description="Choose to retire or to restore the frame.")
    if not set_retired(frame_id, choice == "yes"):
        abort(404, description="There is no such frame.")
    flash("Frame retired." if choice == "yes" else "Frame restored.", "success")
    return redirect(url_for(".frames"), 303)


@bp.post("/frames/<int:frame_id>/delete")
@require_permission("emoji.manage")
def remove_frame(frame_id: int):
    """Delete a frame and its count for good."""
    if not delete_frame(frame_id):
        abort(404, description="There is no such frame.")
    flash("Frame deleted.", "success")
    return redirect(url_for(".frames"), 303)
