"""Public frame pages: a supporter puts a frame round their photo, without JavaScript.

The first POST carries the photo; the answer page shows the framed preview as
a ``data:`` image and carries a downscaled copy of the photo (a JPEG, base64)
in a hidden field, so changing the zoom or offsets, or downloading, re-posts
that copy instead of the file. The photo lives only in this request's memory
(``in_memory_uploads``: never in a temporary file), is never stored, and
every answer says ``Cache-Control: no-store``. A download adds one to the
frame's count of pictures made; nothing else is kept.
"""

from __future__ import annotations

import base64
import io

from flask import Response, abort, render_template, request
from PIL import Image
from sqlalchemy import select

from campaignkit.core import (
    ParseError,
    db_session,
    in_memory_uploads,
    parse_float,
    parse_int,
    plugin_settings,
    rate_limited,
)
from campaignkit.plugins.emoji.frames import Frame, count_made
from campaignkit.plugins.emoji.photos import (
    MAX_COPY_CHARS,
    MAX_PHOTO_BYTES,
    OFFSET_LIMIT,
    ZOOM_MAX,
    ZOOM_MIN,
    PhotoError,
    decode_photo,
    encode,
    frame_photo,
    photo_copy,
    read_copy,
)
from campaignkit.plugins.emoji.views import bp

#: The photo route's request limit: the photo, the copy and the small fields.
REQUEST_LIMIT = MAX_PHOTO_BYTES + MAX_COPY_CHARS + 64 * 1024
ZOOMS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
PREVIEW_SIDE = 400
DOWNLOADS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg")}
FRAME_ENDPOINTS = {"emoji.frames", "emoji.frame", "emoji.frame_image", "emoji.make_frame"}


@bp.after_request
def no_store(response: Response) -> Response:
    """Every answer of the frame pages (errors too) says ``Cache-Control: no-store``."""
    if request.endpoint in FRAME_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def offered_frame(frame_id: int) -> Frame:
    """The frame offered at this address, or a 404."""
    frame = db_session().get(Frame, frame_id)
    if frame is None or frame.retired:
        abort(404, description="There is no profile-picture frame at this address.")
    return frame


@bp.get("/frames")
def frames():
    """The frames on offer, newest first."""
    query = select(Frame).where(Frame.retired.is_(False)).order_by(Frame.id.desc())
    return render_template("emoji/frames.html", frames=list(db_session().scalars(query)))


@bp.get("/frames/<int:frame_id>")
def frame(frame_id: int):
    """A frame's page: choose a photo to put in it."""
    return _page(offered_frame(frame_id))


@bp.get("/frames/<int:frame_id>/frame.png")
def frame_image(frame_id: int):
    """The frame itself (a PNG Pillow wrote)."""
    return Response(offered_frame(frame_id).image, mimetype="image/png")


def _page(frame: Frame, *, error: str | None = None, preview: str | None = None,
          copy: str = "", zoom: float = 1.0, x: int = 0, y: int = 0):  # noqa: ANN202  # fmt: skip
    page = render_template(
        "emoji/frame.html", frame=frame, error=error, preview=preview, copy=copy, zoom=zoom,
        x=x, y=y, zooms=ZOOMS, offset_limit=OFFSET_LIMIT, max_mb=MAX_PHOTO_BYTES // 2**20,
    )  # fmt: skip
    return page, 400 if error else 200


def _settings() -> tuple[float, int, int, str]:
    form = request.form
    zoom = parse_float(form.get("zoom") or "1", ZOOM_MIN, ZOOM_MAX, "the zoom")
    x = parse_int(form.get("x") or "0", -OFFSET_LIMIT, OFFSET_LIMIT, "the left-right move")
    y = parse_int(form.get("y") or "0", -OFFSET_LIMIT, OFFSET_LIMIT, "the up-down move")
    action = form.get("action") or "preview"
    if action not in ("preview", *DOWNLOADS):
        raise ParseError("Choose to preview or to download a PNG or JPEG.")
    return zoom, x, y, action


def _photo() -> tuple[Image.Image, str]:
    """The posted photo (a new file, else the copy) and the copy to carry on."""
    upload = request.files.get("photo")
    if upload is not None and upload.filename:
        photo = decode_photo(upload.stream.read(MAX_PHOTO_BYTES + 1))
        return photo, photo_copy(photo)
    copy = request.form.get("copy", "")
    if not copy:
        raise PhotoError("Choose a photo first.")
    return read_copy(copy), copy


def _kept_copy() -> str:
    """The posted copy, if it is one of ours, to keep on an error page."""
    try:
        return request.form.get("copy", "") if read_copy(request.form.get("copy", "")) else ""
    except PhotoError:
        return ""


@bp.post("/frames/<int:frame_id>")
@in_memory_uploads(REQUEST_LIMIT)
@rate_limited(lambda: plugin_settings("emoji").frame_rate)
def make_frame(frame_id: int):
    """Frame the posted photo: show the preview, or download the 800 × 800 PNG or JPEG."""
    found = offered_frame(frame_id)
    try:
        photo, copy = _photo()
    except PhotoError as exc:
        return _page(found, error=str(exc), copy=_kept_copy())
    try:
        zoom, x, y, action = _settings()
    except ParseError as exc:
        return _page(found, error=str(exc), copy=copy)
    with Image.open(io.BytesIO(found.image)) as stored:
        overlay = stored.convert("RGBA")
    picture = frame_photo(photo, overlay, zoom, x, y)
    if action in DOWNLOADS:
        fmt, mimetype = DOWNLOADS[action]
        data = encode(picture, fmt)
        count_made(found.id)
        name = f"profile-frame-{found.id}.{'jpg' if fmt == 'JPEG' else 'png'}"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, mimetype=mimetype, headers=disposition)
    small = picture.resize((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    preview = "data:image/jpeg;base64," + base64.b64encode(encode(small, "JPEG")).decode("ascii")
    return _page(found, preview=preview, copy=copy, zoom=zoom, x=x, y=y)
