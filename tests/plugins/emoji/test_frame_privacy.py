"""The supporter's photo is never written anywhere: not the instance folder, the database,
or a temporary file (Werkzeug spools uploads over 500 KB to one unless told not to)."""

from __future__ import annotations

import base64
import io
import os
import sys
import tempfile
import uuid
from pathlib import Path

from frame_helpers import copy_of
from PIL import Image, PngImagePlugin
from sqlalchemy import inspect, select, table
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from campaignkit.plugins.emoji.frames import Frame

#: Paths opened under the watched folder while ``_WATCH`` names one.
_WATCH: list[str] = []
_OPENED: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if _WATCH and event in ("open", "tempfile.mkstemp", "tempfile.mkdtemp", "os.mkdir"):
        path = args[0] if args and isinstance(args[0], (str, bytes, os.PathLike)) else ""
        if os.fsdecode(path).startswith(_WATCH[0]):
            _OPENED.append(f"{event} {os.fsdecode(path)}")


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one is idle unless watching


def marked_photo(marker: str) -> bytes:
    """A PNG of random pixels (about 1 MB, past Werkzeug's 500 KB spooling) with a marker."""
    picture = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", marker)
    out = io.BytesIO()
    picture.save(out, "PNG", pnginfo=info, compress_level=1)
    assert len(out.getvalue()) > 600 * 1024
    return out.getvalue()


def post(client, frame_id: int, fields: dict):  # noqa: ANN001, ANN202
    """Post a multipart form built in memory (the test client's own builder spools to disk)."""
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(f"/emoji/frames/{frame_id}", data=stream.getvalue(),
                       content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip


def stored_anywhere(app, instance: Path, needles: list[bytes]) -> list[str]:  # noqa: ANN001
    """Where any needle is found: every file under the instance folder, every value of every
    row of every table."""
    found = []
    for path in instance.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n[:12]!r}" for n in needles if n in data]
    engine = app.extensions["campaignkit"].database.engine
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            for row in connection.execute(select("*").select_from(table(name))):
                for value in row:
                    data = (bytes(value) if isinstance(value, (bytes, memoryview))
                            else str(value).encode())  # fmt: skip
                    found += [f"table {name}: {n[:12]!r}" for n in needles if n in data]
    return found


def test_the_photo_is_in_no_file_no_table_and_no_temporary_file(
    app, instance: Path, frame_id: int, csrf_token, rows, tmp_path: Path
):  # noqa: ANN001
    marker = f"PHOTO-MARKER-{uuid.uuid4().hex}"
    data = marked_photo(marker)
    supporter = app.test_client()
    token = csrf_token(supporter)
    spool = tmp_path / "spool"
    spool.mkdir()
    old_tempdir = tempfile.tempdir
    tempfile.tempdir, _WATCH[:] = str(spool), [str(spool)]
    try:
        first = post(
            supporter,
            frame_id,
            {"csrf_token": token, "photo": FileStorage(io.BytesIO(data), "me.png")},
        )
        assert first.status_code == 200
        copy = copy_of(first.get_data(as_text=True))
        adjust = {"csrf_token": token, "copy": copy, "zoom": "1.5", "x": "20"}
        assert post(supporter, frame_id, adjust).status_code == 200
        download = post(supporter, frame_id, {**adjust, "action": "png"})
        assert download.status_code == 200 and download.mimetype == "image/png"
    finally:
        tempfile.tempdir, _WATCH[:] = old_tempdir, []
    assert _OPENED == [] and list(spool.iterdir()) == []
    assert rows(Frame)[0].made_count == 1
    copy_bytes = base64.b64decode(copy)
    middle = len(data) // 2
    needles = [marker.encode(), data[middle : middle + 64], copy_bytes[-4096:-4032],
               copy[len(copy) // 2 : len(copy) // 2 + 64].encode()]  # fmt: skip
    assert stored_anywhere(app, instance, needles) == []
    # The scan does find what is stored: the frame's own image.
    with app.extensions["campaignkit"].database.new_session() as session:
        frame_bytes = session.get(Frame, frame_id).image
    assert stored_anywhere(app, instance, [frame_bytes[-200:-100]])
