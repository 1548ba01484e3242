"""The plain HTML form upload: the file is written to the store as it arrives, in chunks.

Core's ``streamed_uploads`` hands each uploaded file's bytes to `open_upload_part`,
which opens an unfinished file under a key the server makes; nothing is held whole in
memory or spooled to a temporary file elsewhere. Before any of the body is read,
`check_before_reading` refuses a request from someone who may not produce videos, one
with no length, one over ``[plugins.videos] max_upload_mb`` and one larger than the
free disk space. The view makes the file whole (`commit`) only once the upload has
arrived complete and the submission is stored; otherwise `discard_unfinished` (run
when the request ends) removes what was written, so nothing is left half-stored.
"""

from __future__ import annotations

from pathlib import Path

from flask import Request, abort, g
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException

from campaignkit.core import current_user, has_permission, plugin_settings, write_session
from campaignkit.plugins.videos.models import UPLOAD
from campaignkit.plugins.videos.storage import CONTENT_TYPES, extension_for, video_store
from campaignkit.plugins.videos.submissions import create_submission

#: Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
#: Disk space always left free, whatever is uploaded.
DISK_RESERVE_BYTES = 256 * 1024 * 1024
_OPEN_PARTS = "videos_open_parts"


class InsufficientStorage(HTTPException):
    """507: the server has no room for the upload."""

    code = 507
    description = "There is not enough free disk space on the server for this file."


def upload_cap_bytes() -> int:
    """The largest file taken, from ``max_upload_mb``."""
    return plugin_settings("videos").max_upload_mb * 1024 * 1024


def request_cap_bytes() -> int:
    """The largest upload request taken: the file cap and room for the form around it."""
    return upload_cap_bytes() + FORM_OVERHEAD_BYTES


def check_room(length: int | None) -> None:
    """Refuse, in words, an upload with no length, over the cap or over the free space."""
    if length is None:
        abort(411, description="The upload did not say how large it is; try another browser.")
    if length > request_cap_bytes():
        limit = plugin_settings("videos").max_upload_mb
        abort(413, description=f"The file is larger than the {limit} MB that is taken.")
    if length + DISK_RESERVE_BYTES > video_store().free_bytes():
        raise InsufficientStorage()


def check_before_reading(request: Request) -> None:
    """Refuse an upload by its headers, before its body is read."""
    if not has_permission(current_user, "videos.produce"):
        abort(403, description="Only approved producers can upload videos.")
    check_room(request.content_length)


def open_upload_part(filename: str | None = None, **_sizes: object):  # noqa: ANN201 - a file
    """An unfinished file in the store for one uploaded file; removed at the request's end
    unless `keep_upload` took it."""
    store = video_store()
    key = store.new_key(extension_for(filename))
    g.setdefault(_OPEN_PARTS, []).append(key)
    return store.open_part(key)


def discard_unfinished(_error: BaseException | None = None) -> None:
    """Remove every file this request opened that was not kept (an upload cut short)."""
    store = video_store()
    for key in g.pop(_OPEN_PARTS, []):
        store.abort(key)


def uploaded_key(upload: FileStorage) -> str:
    """The store key of a file `open_upload_part` opened."""
    return Path(upload.stream.name).name.removesuffix(".part")


def store_upload(upload: FileStorage, *, brief_id: int | None, title: str, description: str) -> int:
    """Make the uploaded file whole and add its submission; returns the submission's id.

    Raises ``SubmissionRefused`` (nothing kept) when the submission is not taken.
    """
    store, key = video_store(), uploaded_key(upload)
    upload.stream.close()
    size = store.part_size(key)
    try:
        with write_session() as session:
            row = create_submission(
                session, producer_id=current_user.id, brief_id=brief_id, title=title,
                description=description, kind=UPLOAD,
            )  # fmt: skip
            row.file_key, row.file_size = key, size
            row.content_type = CONTENT_TYPES[Path(key).suffix]
            store.commit(key)
            submission_id = row.id
    except BaseException:
        store.delete_key(key)
        raise
    g.get(_OPEN_PARTS, []).remove(key)
    return submission_id


def upload_size(upload: FileStorage) -> int:
    """How many bytes of `upload` are stored so far."""
    return video_store().part_size(uploaded_key(upload))
