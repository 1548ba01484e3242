"""Uploads that are refused or cut short leave nothing stored; a cut job runs again.

These check files and HTTP, not the database, so they run on SQLite only.
"""

from __future__ import annotations

import hashlib
import io
import shutil

import pytest
from videos_clips import (  # noqa: F401 - claimed and clips are fixtures
    claimed,
    clips,
    store_folder,
    stored_files,
    upload,
)

from campaignkit.plugins.videos.models import Submission


@pytest.fixture
def backend() -> str:
    """SQLite only (see the module's docstring)."""
    return "sqlite"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("text.mp4", "not a video"), ("png-named.mp4", "not a video"),
     ("landscape.mp4", "the brief asks for 9:16"), ("truncated.mp4", "damaged or cut short")],
)  # fmt: skip
def test_files_that_do_not_fit_fail_with_the_reason(
    producer, claimed, csrf_token, clips, rows, immediate_jobs, name, reason  # noqa: ANN001, F811
):  # fmt: skip
    assert upload(producer, csrf_token, clips[name], claimed).status_code == 303
    [row] = rows(Submission)
    assert row.media_status == "failed" and reason in row.media_error
    assert row.state == "submitted"


def test_an_upload_over_the_cap_is_refused_before_it_is_read(app, producer, csrf_token, rows):  # noqa: ANN001
    big = {"csrf_token": csrf_token(producer), "title": "Big",
           "file": (io.BytesIO(b"\0" * (3 * 1024 * 1024)), "big.mp4")}  # fmt: skip
    answer = producer.post("/videos/media/upload", data=big, content_type="multipart/form-data",
                           environ_overrides={"CONTENT_LENGTH": str(3 * 1024**3)})  # fmt: skip
    assert answer.status_code == 413 and b"larger than the 2048 MB" in answer.data
    assert rows(Submission) == [] and stored_files(app) == []


@pytest.mark.parametrize("videos_settings", [{"max_upload_mb": 1_048_576}])
def test_an_upload_larger_than_the_free_disk_space_is_refused(app, producer, csrf_token, rows):  # noqa: ANN001
    free = shutil.disk_usage(app.instance_path).free  # the whole free space: over the reserve
    form = {"csrf_token": csrf_token(producer), "title": "Huge",
            "file": (io.BytesIO(b"\0" * 1000), "huge.mp4")}  # fmt: skip
    answer = producer.post("/videos/media/upload", data=form, content_type="multipart/form-data",
                           environ_overrides={"CONTENT_LENGTH": str(free)})  # fmt: skip
    assert answer.status_code == 507 and b"not enough free disk space" in answer.data
    assert rows(Submission) == [] and stored_files(app) == []


def test_a_truncated_upload_leaves_nothing_stored(app, producer, csrf_token, clips, rows):  # noqa: ANN001, F811
    whole = clips["portrait.mp4"].read_bytes()
    boundary = "cut-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{csrf_token(producer)}\r\n--{boundary}\r\nContent-Disposition: form-data; "
        f'name="title"\r\n\r\nCut\r\n--{boundary}\r\nContent-Disposition: form-data; '
        f'name="file"; filename="cut.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    body += whole + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    cut = body[: len(body) - len(whole) // 2]
    answer = producer.post(
        "/videos/media/upload",
        input_stream=io.BytesIO(cut),
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_overrides={"CONTENT_LENGTH": str(len(body))},
    )
    assert answer.status_code == 400
    assert rows(Submission) == [] and stored_files(app) == []


def test_only_producers_may_upload_and_nothing_is_stored_for_others(
    app, client, organiser, csrf_token, clips, rows  # noqa: ANN001, F811
):  # fmt: skip
    assert upload(client, csrf_token, clips["portrait.mp4"]).status_code in (302, 403)
    assert rows(Submission) == [] and stored_files(app) == []


def test_a_job_cut_short_can_run_again_and_the_upload_is_untouched(
    app, producer, csrf_token, clips, rows, immediate_jobs  # noqa: ANN001, F811
):  # fmt: skip
    from campaignkit.plugins.videos.processing import derived_key, start_processing

    assert upload(producer, csrf_token, clips["portrait.mp4"]).status_code == 303
    [row] = rows(Submission)
    before = hashlib.sha256((store_folder(app) / row.file_key).read_bytes()).hexdigest()
    # what a worker killed while drawing the preview leaves: a half-written preview
    half = store_folder(app) / f"{derived_key(row.file_key, 'preview', '.mp4')}.part"
    half.write_bytes(b"\0" * 1000)
    (store_folder(app) / row.preview_key).unlink()
    with app.test_request_context():
        start_processing(row.id)
    [again] = rows(Submission)
    assert again.media_status == "ready" and again.preview_key == row.preview_key
    assert hashlib.sha256((store_folder(app) / row.file_key).read_bytes()).hexdigest() == before
    assert not any(name.endswith(".part") for name in stored_files(app))
