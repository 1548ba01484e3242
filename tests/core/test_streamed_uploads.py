"""``streamed_uploads``: files go straight to the view's stream; refusals come before reading."""

from __future__ import annotations

import io

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from campaignkit.core import streamed_uploads
from campaignkit.core.inputs import CleanRequest


class InsufficientStorage(HTTPException):
    code = 507


class _Recorder(io.BytesIO):
    """A stream that remembers it was opened, and what was written to it."""

    opened: list[_Recorder] = []

    def __init__(self) -> None:
        super().__init__()
        _Recorder.opened.append(self)


def _app(room: int) -> Flask:
    app = Flask(__name__)
    app.request_class = CleanRequest
    app.config["MAX_CONTENT_LENGTH"] = 100  # the app's limit, replaced for the view

    def check_room(incoming) -> None:  # noqa: ANN001
        if (incoming.content_length or 0) > room:
            raise InsufficientStorage("There is not enough free disk space for this file.")

    def upload():  # noqa: ANN202
        stored = request.files["file"].stream
        return {"same": stored is _Recorder.opened[-1], "size": len(stored.getvalue()),
                "title": request.form["title"]}  # fmt: skip

    view = streamed_uploads(
        lambda **_kw: _Recorder(), before_reading=check_room, max_bytes=lambda: 10_000_000
    )(upload)
    app.add_url_rule("/upload", "upload", view, methods=["POST"])
    return app


def test_files_are_written_to_the_views_stream_and_the_views_limit_applies():
    _Recorder.opened.clear()
    client = _app(room=10_000_000).test_client()
    data = {"title": "Film", "file": (io.BytesIO(b"x" * 300_000), "film.mp4")}
    answer = client.post("/upload", data=data, content_type="multipart/form-data")
    assert answer.status_code == 200
    assert answer.json == {"same": True, "size": 300_000, "title": "Film"}


def test_a_refusal_comes_before_any_of_the_body_is_read():
    _Recorder.opened.clear()
    client = _app(room=1000).test_client()
    data = {"title": "Film", "file": (io.BytesIO(b"x" * 300_000), "film.mp4")}
    answer = client.post("/upload", data=data, content_type="multipart/form-data")
    assert answer.status_code == 507
    assert _Recorder.opened == []
