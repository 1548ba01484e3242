"""Files attached to a brief (a logo, a script, a soundtrack) and their download.

Organisers (``videos.manage``) attach a file on the brief's page. It is written to
the store in chunks as it arrives, under a key the server makes; its type is then
read from its first bytes (never from its name or the type the browser sent) and
only the kinds in `SIGNATURES` (and UTF-8 text) are kept, under a key with the
extension of that type, so it is always served as what it is. A file over
``[plugins.videos] asset_max_mb``, an empty one, an unknown kind or a request cut
short leaves nothing stored. Whoever may see the brief (``videos.produce``)
downloads its files as attachments named after their label.
"""

from __future__ import annotations

import codecs

from flask import Request, abort, flash, g, redirect, request, url_for
from sqlalchemy import func, select

from campaignkit.core import (
    current_user,
    db_session,
    has_permission,
    one_line,
    plugin_settings,
    require_permission,
    streamed_uploads,
    write_session,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.brief_form import MAX_ASSETS
from campaignkit.plugins.videos.models import Brief, BriefAsset, now
from campaignkit.plugins.videos.storage import serve_file, video_store
from campaignkit.plugins.videos.uploads import (
    DISK_RESERVE_BYTES,
    FORM_OVERHEAD_BYTES,
    InsufficientStorage,
    uploaded_key,
)

#: (offset, the bytes there, the key extension): the kinds of file a brief may carry.
SIGNATURES = (
    (0, b"\x89PNG\r\n\x1a\n", ".png"),
    (0, b"\xff\xd8\xff", ".jpg"),
    (0, b"GIF87a", ".gif"),
    (0, b"GIF89a", ".gif"),
    (0, b"%PDF-", ".pdf"),
    (0, b"PK\x03\x04", ".zip"),
    (0, b"ID3", ".mp3"),
    (0, b"\x1a\x45\xdf\xa3", ".mkv"),
    (4, b"ftypqt  ", ".mov"),
    (4, b"ftyp", ".mp4"),
)
KINDS_TEXT = "pictures (PNG, JPEG, GIF, WebP), PDF, ZIP, text, MP3, WAV or video"
HEAD_BYTES = 64 * 1024
_OPEN_ASSETS = "videos_open_assets"


def sniff_extension(head: bytes) -> str | None:
    """The key extension for a file starting with `head`, or None for a kind not taken."""
    for offset, magic, extension in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return ".webm" if extension == ".mkv" and b"webm" in head[:64] else extension
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return ".webp" if head[8:12] == b"WEBP" else ".wav"
    if head and b"\0" not in head:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            return None
        return ".txt"
    return None


def asset_cap_bytes() -> int:
    """The largest file attached to a brief, from ``asset_max_mb``."""
    return plugin_settings("videos").asset_max_mb * 1024 * 1024


def check_asset_request(request: Request) -> None:
    """Refuse an asset upload by its headers, before its body is read."""
    if not has_permission(current_user, "videos.manage"):
        abort(403, description="Only organisers can attach files to briefs.")
    if request.content_length is None:
        abort(411, description="The upload did not say how large it is; try another browser.")
    if request.content_length > asset_cap_bytes() + FORM_OVERHEAD_BYTES:
        limit = plugin_settings("videos").asset_max_mb
        abort(413, description=f"The file is larger than the {limit} MB that is taken.")
    if request.content_length + DISK_RESERVE_BYTES > video_store().free_bytes():
        raise InsufficientStorage()


def open_asset_part(**_details: object):  # noqa: ANN201 - a file
    """An unfinished ".bin" file in the store for one uploaded asset; removed at the
    request's end unless `keep_asset` stored it."""
    store = video_store()
    key = store.new_key(".bin")
    g.setdefault(_OPEN_ASSETS, []).append(key)
    return store.open_part(key)


def discard_asset_parts(_error: BaseException | None = None) -> None:
    """Remove every asset file this request opened and did not keep."""
    for key in g.pop(_OPEN_ASSETS, []):
        video_store().abort(key)


bp.teardown_request(discard_asset_parts)


def keep_asset(brief_id: int, label: str, part_key: str) -> str | None:
    """Store the uploaded asset under a key of its sniffed type; a problem, or None."""
    store = video_store()
    size = store.part_size(part_key)
    if size == 0:
        return "The file is empty."
    if size > asset_cap_bytes():
        return f"The file is larger than the {plugin_settings('videos').asset_max_mb} MB taken."
    with store.part_path(part_key).open("rb") as stream:
        extension = sniff_extension(stream.read(HEAD_BYTES))
    if extension is None:
        return f"That kind of file is not taken; attach {KINDS_TEXT}."
    key = store.new_key(extension)
    try:
        with write_session() as session:
            held = session.scalar(
                select(func.count(BriefAsset.id)).where(BriefAsset.brief_id == brief_id)
            )
            if held >= MAX_ASSETS:
                return f"A brief has at most {MAX_ASSETS} assets."
            session.add(BriefAsset(brief_id=brief_id, label=label, file_key=key, created_at=now()))
            store.commit_as(part_key, key)
    except BaseException:
        store.delete_key(key)
        raise
    g.get(_OPEN_ASSETS, []).remove(part_key)
    return None


@bp.post("/briefs/<int:brief_id>/assets")
@streamed_uploads(open_asset_part, before_reading=check_asset_request,
                  max_bytes=lambda: asset_cap_bytes() + FORM_OVERHEAD_BYTES)  # fmt: skip
@require_permission("videos.manage")
def attach_asset(brief_id: int):
    """Attach a file to a brief (its label defaults to the file's name)."""
    if db_session().get(Brief, brief_id) is None:
        abort(404)
    upload = request.files.get("file")
    label = one_line(request.form.get("label")) or one_line(upload.filename if upload else "")
    if upload is None or not upload.filename:
        problem = "Choose the file to attach."
    elif len(label) > 200:
        problem = "Keep the label to 200 characters."
    else:
        upload.stream.close()
        problem = keep_asset(brief_id, label, uploaded_key(upload))
    flash(problem or "File attached.", "error" if problem else "success")
    return redirect(url_for(".brief", brief_id=brief_id), 303)


def _file_asset(brief_id: int, asset_id: int) -> BriefAsset:
    asset = db_session().get(BriefAsset, asset_id)
    if asset is None or asset.brief_id != brief_id or not asset.file_key:
        abort(404)
    return asset


@bp.get("/briefs/<int:brief_id>/assets/<int:asset_id>")
@require_permission("videos.produce")
def asset_file(brief_id: int, asset_id: int):
    """Download a file attached to a brief, as an attachment named after its label."""
    asset = _file_asset(brief_id, asset_id)
    return serve_file(video_store(), asset.file_key, asset.label, download=True)


@bp.post("/briefs/<int:brief_id>/assets/<int:asset_id>/delete")
@require_permission("videos.manage")
def delete_asset(brief_id: int, asset_id: int):
    """Take a file off a brief and delete it from the store."""
    key = _file_asset(brief_id, asset_id).file_key
    with write_session() as session:
        session.delete(session.get(BriefAsset, asset_id))
    video_store().delete_key(key)
    flash("File removed.", "success")
    return redirect(url_for(".brief", brief_id=brief_id), 303)
