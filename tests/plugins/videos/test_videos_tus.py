"""The tus 1.0.0 server: a real tus client (tuspy) uploads, is cut half-way, and resumes."""

from __future__ import annotations

import base64
import http.client
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tusclient.client import TusClient
from videos_clips import clips  # noqa: F401 - the session's clips fixture

from campaignkit.plugins.videos.models import Submission
from campaignkit.plugins.videos.tus_models import TusUpload
from campaignkit.testing import edit_config

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def backend() -> str:
    """SQLite only: these check the protocol and files; the tables are checked elsewhere."""
    return "sqlite"


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The videos test instance with a 1 MB site-wide request limit: tus has its own."""
    edit_config(ck_instance, server={"max_upload_mb": 1})
    return ck_instance


@pytest.fixture
def tus_headers(app, producer, csrf_token) -> dict[str, str]:  # noqa: ANN001
    """The producer's session cookie and CSRF token, as a tus client sends them."""
    token = csrf_token(producer)
    cookie = producer.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return {"Cookie": f"{cookie.key}={cookie.value}", "X-CSRFToken": token}


def _metadata(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


def test_options_say_what_the_server_offers(client):  # noqa: ANN001
    answer = client.options("/videos/media/tus/")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert answer.headers["Tus-Extension"] == "creation,termination,expiration"
    assert answer.headers["Tus-Max-Size"] == str(2048 * 1024 * 1024)


def test_only_producers_speaking_tus_1_may_create(client, producer, tus_headers):  # noqa: ANN001
    assert client.post(
        "/videos/media/tus/", headers={**TUS, "Upload-Length": "10"}
    ).status_code in (400, 403)  # noqa: E501
    headers = {"X-CSRFToken": tus_headers["X-CSRFToken"], "Upload-Length": "10"}
    answer = producer.post("/videos/media/tus/", headers=headers)
    assert answer.status_code == 412 and answer.headers["Tus-Version"] == "1.0.0"
    too_big = producer.post("/videos/media/tus/", headers={**headers, **TUS,
                            "Upload-Length": str(3 * 1024**3)})  # fmt: skip
    assert too_big.status_code == 413 and b"2048 MB" in too_big.data


def test_a_tus_client_uploads_a_clip_that_becomes_a_submission(
    live_server, tus_headers, clips, rows, immediate_jobs, app  # noqa: ANN001, F811
):  # fmt: skip
    source = clips["portrait.mp4"]
    uploader = TusClient(f"{live_server}/videos/media/tus/", headers=tus_headers).uploader(
        file_path=str(source), chunk_size=1536 * 1024,  # over the site's 1 MB request limit
        metadata={"filename": "library.mp4", "title": "Library (tus)"},
    )  # fmt: skip
    uploader.upload()
    [row] = rows(Submission)
    assert (row.title, row.kind, row.media_status, row.width) == (
        "Library (tus)",
        "upload",
        "ready",
        180,
    )
    stored = Path(app.instance_path) / "videos" / row.file_key
    assert stored.read_bytes() == source.read_bytes()
    assert rows(TusUpload)[0].submission_id == row.id


def _cut_patch(base: str, path: str, headers: dict, body: bytes, send: int) -> None:
    """Send a PATCH announcing all of `body` but only `send` bytes of it, then drop the line."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port)) as line:
        head = [f"PATCH {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}",
                "Content-Type: application/offset+octet-stream", *[f"{k}: {v}" for k, v in headers.items()]]  # fmt: skip # noqa: E501
        line.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body[:send])
        time.sleep(0.2)


def _offset(base: str, path: str, headers: dict) -> int:
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=5)
    connection.request("HEAD", path, headers={**headers, **TUS})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    return int(response.getheader("Upload-Offset"))


def test_an_upload_cut_half_way_resumes_where_it_stopped(
    live_server, tus_headers, clips, rows, immediate_jobs, app  # noqa: ANN001, F811
):  # fmt: skip
    data = clips["portrait.mp4"].read_bytes()
    connection = http.client.HTTPConnection(urlsplit(live_server).netloc, timeout=5)
    connection.request("POST", "/videos/media/tus/", headers={
        **tus_headers, **TUS, "Upload-Length": str(len(data)),
        "Upload-Metadata": _metadata(filename="cut.mp4", title="Cut and resumed")})  # fmt: skip
    created = connection.getresponse()
    created.read()
    assert created.status == 201
    path = urlsplit(created.getheader("Location")).path
    headers = {**tus_headers, **TUS, "Upload-Offset": "0"}
    _cut_patch(live_server, path, headers, data, len(data) // 2)
    for _ in range(50):  # the server notices the dropped line and keeps what arrived
        if _offset(live_server, path, tus_headers) == len(data) // 2:
            break
        time.sleep(0.1)
    assert _offset(live_server, path, tus_headers) == len(data) // 2
    assert rows(Submission) == []

    wrong = http.client.HTTPConnection(urlsplit(live_server).netloc, timeout=5)
    wrong.request("PATCH", path, body=b"x", headers={
        **tus_headers, **TUS, "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})  # fmt: skip
    assert wrong.getresponse().status == 409

    sent = []
    uploader = TusClient(live_server, headers=tus_headers).uploader(
        file_path=str(clips["portrait.mp4"]), url=f"{live_server}{path}", chunk_size=1024 * 1024
    )
    original_chunk = uploader.upload_chunk

    def counting() -> None:
        before = uploader.offset
        original_chunk()
        sent.append(uploader.offset - before)

    uploader.upload_chunk = counting
    uploader.upload()
    assert sum(sent) == len(data) - len(data) // 2  # only the missing half was sent again
    [row] = rows(Submission)
    assert row.title == "Cut and resumed" and row.media_status == "ready"
    assert (Path(app.instance_path) / "videos" / row.file_key).read_bytes() == data


def test_patches_are_checked_and_an_upload_can_be_given_up(
    app, producer, organiser, tus_headers, rows  # noqa: ANN001
):  # fmt: skip
    headers = {"X-CSRFToken": tus_headers["X-CSRFToken"], **TUS}
    created = producer.post("/videos/media/tus/", headers={**headers, "Upload-Length": "10",
                            "Upload-Metadata": _metadata(filename="a.mp4")})  # fmt: skip
    assert created.status_code == 201
    path = urlsplit(created.headers["Location"]).path
    patch = {**headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    assert producer.patch(path, data=b"x" * 11, headers=patch).status_code == 413
    assert (
        producer.patch(path, data=b"x", headers={**patch, "Content-Type": "text/plain"}).status_code
        == 415
    )  # noqa: E501
    answer = producer.patch(path, data=b"12345", headers=patch)
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == "5"
    assert producer.head(path, headers=TUS).headers["Upload-Offset"] == "5"
    assert organiser.head(path, headers=TUS).status_code == 404  # not theirs
    assert producer.delete(path, headers=headers).status_code == 204
    assert producer.head(path, headers=TUS).status_code == 404
    assert list((Path(app.instance_path) / "videos").iterdir()) == []


def test_a_patch_larger_than_the_sites_request_limit_is_taken(producer, tus_headers):  # noqa: ANN001
    headers = {"X-CSRFToken": tus_headers["X-CSRFToken"], **TUS}
    size = 2 * 1024 * 1024  # the site takes requests of 1 MB; tus takes up to max_upload_mb
    created = producer.post("/videos/media/tus/", headers={**headers, "Upload-Length": str(size),
                            "Upload-Metadata": _metadata(filename="big.mp4")})  # fmt: skip
    assert created.status_code == 201, created.data
    path = urlsplit(created.headers["Location"]).path
    patch = {**headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    answer = producer.patch(path, data=b"\0" * size, headers=patch)
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == str(size)
