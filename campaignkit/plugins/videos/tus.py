"""A tus 1.0.0 server, so large videos resume after a dropped connection (any tus client).

``/videos/media/tus/`` takes OPTIONS (what the server offers) and POST (creation:
``Upload-Length`` and ``Upload-Metadata`` with ``filename``, ``title``, ``brief``,
``description``); each upload's address takes HEAD (how much has arrived, as
``Upload-Offset``), PATCH (``Content-Type: application/offset+octet-stream``, appended
at ``Upload-Offset``, 409 when that is not the stored size) and DELETE (termination).
Only signed-in producers may upload, each only to their own uploads, and no upload is
larger than ``[plugins.videos] max_upload_mb`` or the free disk space. State-changing
requests pass core's CSRF check like any other: a browser client sends the page's token
in ``X-CSRFToken``; an API client sends its ``Authorization: Bearer`` token.

What has arrived is the unfinished file in the store, so bytes written before a
connection broke count. When the last byte arrives the file is made whole and becomes a
submission, and the media job starts. Unfinished uploads expire (``tus_expiry``), and
each person may start only ``tus_create_rate`` uploads.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import secrets

from flask import Response, abort, request, url_for
from werkzeug.exceptions import ClientDisconnected

from campaignkit.core import (
    current_user,
    db_session,
    has_permission,
    one_line,
    plugin_settings,
    rate_limited,
    streamed_uploads,
    write_session,
)
from campaignkit.plugins.videos.media_views import media_bp
from campaignkit.plugins.videos.models import UPLOAD, Brief, now
from campaignkit.plugins.videos.processing import start_processing
from campaignkit.plugins.videos.storage import (
    StoreError,
    extension_for,
    video_store,
)
from campaignkit.plugins.videos.submissions import (
    SubmissionRefused,
    create_submission,
    create_upload,
)
from campaignkit.plugins.videos.tus_expiry import expires_header, is_expired
from campaignkit.plugins.videos.tus_models import TusUpload
from campaignkit.plugins.videos.uploads import (
    check_before_reading,
    check_room,
    open_upload_part,
    request_cap_bytes,
    upload_cap_bytes,
)

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
CHUNK_BYTES = 1024 * 1024
_HEADERS = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}


def _answer(status: int, message: str = "", **headers: str) -> Response:
    response = Response(message, status=status, mimetype="text/plain")
    response.headers.update({**_HEADERS, **{k.replace("_", "-"): v for k, v in headers.items()}})
    return response


def _refuse(status: int, message: str) -> None:
    abort(_answer(status, message))


def _check_client() -> None:
    """Refuse a request from another protocol version, or from someone who may not upload."""
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
        abort(_answer(412, "This server speaks tus 1.0.0.", Tus_Version=TUS_VERSION))
    if request.method != "OPTIONS" and not has_permission(current_user, "videos.produce"):
        _refuse(403, "Only approved producers can upload videos.")


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata ("key base64,key2 base64") as text; 400 when it is not."""
    found = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            _refuse(400, f"Upload-Metadata {key!r} is not base64 UTF-8 text.")
    return found


def _header_int(name: str) -> int:
    text = request.headers.get(name, "")
    if not text.isdigit() or len(text) > 18:
        _refuse(400, f"{name} must be a whole number of bytes.")
    return int(text)


def _person() -> str:
    """What the creation rate counts: the signed-in person (their address when signed out)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else str(request.remote_addr)


@media_bp.route("/tus/", methods=["OPTIONS", "POST"], provide_automatic_options=False)
@rate_limited(lambda: plugin_settings("videos").tus_create_rate, key=_person)
def tus_collection():
    """OPTIONS: what this tus server offers. POST: start an upload (creation)."""
    if request.method == "OPTIONS":
        return _answer(204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS,
                       Tus_Max_Size=str(upload_cap_bytes()))  # fmt: skip
    _check_client()
    if "Upload-Defer-Length" in request.headers:
        _refuse(400, "Say the upload's length (Upload-Length) when creating it.")
    length = _header_int("Upload-Length")
    if length > upload_cap_bytes():
        limit = plugin_settings("videos").max_upload_mb
        _refuse(413, f"The file is larger than the {limit} MB that is taken.")
    check_room(length)
    header = request.headers.get("Upload-Metadata", "")
    metadata = _metadata(header)
    title = one_line(metadata.get("title") or metadata.get("filename", "").rsplit(".", 1)[0])
    brief_id = _brief_id(metadata.get("brief", ""))
    description = metadata.get("description", "").strip()[:5000]
    _check_submission(brief_id, title[:200], description)
    upload_id, store = secrets.token_hex(16), video_store()
    key = store.new_key(extension_for(metadata.get("filename")))
    with store.open_part(key):
        pass
    moment = now()
    with write_session() as session:
        session.add(TusUpload(id=upload_id, producer_id=current_user.id, file_key=key,
                              length=length, metadata_header=header[:4000], brief_id=brief_id,
                              title=title[:200], description=description,
                              created_at=moment, updated_at=moment))  # fmt: skip
    location = url_for(".tus_upload", upload_id=upload_id)  # relative: right behind any proxy
    if length == 0:
        _finish(db_session().get(TusUpload, upload_id))
        return _answer(201, Location=location, Upload_Offset="0")
    return _answer(201, Location=location, Upload_Offset="0", **expires_header(moment))


def _brief_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9 or db_session().get(Brief, int(text)) is None:
        _refuse(400, "That brief does not exist.")
    return int(text)


def _check_submission(brief_id: int | None, title: str, description: str) -> None:
    """Refuse now (not after gigabytes) an upload that could not become a submission."""
    try:
        with write_session() as session:
            create_submission(session, producer_id=current_user.id, brief_id=brief_id,
                              title=title, description=description, kind=UPLOAD)  # fmt: skip
            session.rollback()
    except SubmissionRefused as exc:
        _refuse(400, str(exc))


def _own_upload(upload_id: str) -> TusUpload:
    row = db_session().get(TusUpload, upload_id) if len(upload_id) == 32 else None
    if row is None or row.producer_id != current_user.id:
        _refuse(404, "There is no such upload.")
    return row


@media_bp.route("/tus/<upload_id>", methods=["HEAD", "PATCH", "DELETE", "OPTIONS"],
                provide_automatic_options=False)  # fmt: skip
@streamed_uploads(  # the upload's own size limit, checked (with the disk space) before reading
    open_upload_part, before_reading=check_before_reading, max_bytes=request_cap_bytes
)
def tus_upload(upload_id: str):
    """HEAD: how much has arrived. PATCH: append. DELETE: give up the upload."""
    if request.method == "OPTIONS":
        return _answer(204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS,
                       Tus_Max_Size=str(upload_cap_bytes()))  # fmt: skip
    _check_client()
    row = _own_upload(upload_id)
    if request.method != "DELETE" and is_expired(row):
        _terminate(row)
        _refuse(410, "This upload has expired; start it again.")
    store = video_store()
    offset = row.length if row.submission_id else store.part_size(row.file_key)
    if request.method == "HEAD":
        headers = {"Upload_Offset": str(offset), "Upload_Length": str(row.length)}
        if row.metadata_header:
            headers["Upload_Metadata"] = row.metadata_header
        if row.submission_id is None:
            headers.update(expires_header(row.created_at))
        return _answer(200, **headers)
    if request.method == "DELETE":
        return _terminate(row)
    return _append(row, offset)


def _append(row: TusUpload, offset: int) -> Response:
    if request.mimetype != "application/offset+octet-stream":
        _refuse(415, "Send the bytes as application/offset+octet-stream.")
    if _header_int("Upload-Offset") != offset or row.submission_id:
        return _answer(409, "Upload-Offset is not where the upload stands; ask with HEAD.",
                       Upload_Offset=str(offset))  # fmt: skip
    remaining = row.length - offset
    if request.content_length is not None and request.content_length > remaining:
        _refuse(413, "That is more than the upload's length.")
    try:
        part = video_store().open_part(row.file_key, offset)
    except StoreError:  # another request wrote in between
        return _answer(409, "Upload-Offset is not where the upload stands; ask with HEAD.")
    with part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _refuse(409, "Another request is writing to this upload.")
        written, too_long = _copy(part, remaining)
    if too_long:
        _refuse(413, "That is more than the upload's length.")
    offset += written
    if offset == row.length:
        _finish(row)
        return _answer(204, Upload_Offset=str(offset))
    return _answer(204, Upload_Offset=str(offset), **expires_header(row.created_at))


def _copy(part, remaining: int) -> tuple[int, bool]:  # noqa: ANN001 - the open part file
    """Copy the request body into `part` until it ends or the connection breaks, never past
    `remaining` bytes: how many were written, and whether the body was longer."""
    written = 0
    stream = request.stream
    try:
        while True:
            chunk = stream.read(min(CHUNK_BYTES, remaining - written + 1))
            if not chunk:
                return written, False
            if written + len(chunk) > remaining:
                part.write(chunk[: remaining - written])
                return remaining, True
            part.write(chunk)
            written += len(chunk)
    except (OSError, ClientDisconnected):  # the client went away: keep what arrived
        return written, False
    finally:
        part.flush()


def _terminate(row: TusUpload) -> Response:
    store = video_store()
    if row.submission_id is None:
        store.delete_key(row.file_key)
    with write_session() as session:
        session.delete(session.get(TusUpload, row.id))
    return _answer(204)


def _finish(upload: TusUpload) -> None:
    """Make the whole file a submission and start its processing; 400 (the upload given up)
    when the submission is no longer taken (the brief closed meanwhile)."""
    store = video_store()
    try:
        with write_session() as session:
            row = session.get(TusUpload, upload.id)
            submission = create_upload(
                session, store, row.file_key, producer_id=row.producer_id, brief_id=row.brief_id,
                title=row.title, description=row.description,
            )  # fmt: skip
            row.submission_id, row.updated_at = submission.id, now()
            submission_id = submission.id
    except SubmissionRefused as exc:
        _terminate(upload)
        _refuse(400, f"The upload arrived but was not taken: {exc}")
    start_processing(submission_id)
