"""``streamed_uploads``: files go straight to the view's stream; refusals come before reading."""

from __future__ import annotations

import io
import os

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
        self.written = b""
        _Recorder.opened.append(self)

    def close(self) -> None:
        if not self.closed:
            self.written = self.getvalue()
        super().close()


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


class _CountingInput(io.BytesIO):
    """A request body that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(size if size is not None else -1)
        return super().read(size)

    def readinto(self, buffer) -> int:  # noqa: ANN001
        self.sizes.append(len(buffer))
        return super().readinto(buffer)


def _multipart(boundary: str, title: str, content: bytes) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="film.mp4"\r\n'
            f"Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _post(app: Flask, body: bytes, boundary: str, stream: io.BytesIO | None = None):  # noqa: ANN202
    stream = stream if stream is not None else io.BytesIO(body)
    return app.test_client().post(
        "/upload", input_stream=stream, content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
    )  # fmt: skip


def test_a_large_file_is_read_in_large_steps_and_stored_byte_for_byte():
    _Recorder.opened.clear()
    content = os.urandom(5 * 1024 * 1024 + 17)  # random bytes: CRs, LFs and dashes at every step
    body = _multipart("b-1", "Film", content)
    counting = _CountingInput(body)
    answer = _post(_app(room=10_000_000), body, "b-1", counting)
    assert answer.status_code == 200
    assert answer.json == {"same": True, "size": len(content), "title": "Film"}
    assert _Recorder.opened[-1].written == content
    # the body is taken from the server a mebibyte at a time, not in 64 KiB steps
    assert max(counting.sizes) >= 1024 * 1024
    assert len(counting.sizes) <= 10


def test_a_text_field_over_the_form_memory_limit_is_still_refused():
    app = _app(room=10_000_000)
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    body = _multipart("b-2", "x" * 5000, b"film")
    assert _post(app, body, "b-2").status_code == 413
