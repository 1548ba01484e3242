"""The plain form upload: streamed to the store, probed, served; bad uploads leave nothing."""

from __future__ import annotations

import io

from videos_clips import (  # noqa: F401 - claimed and clips are fixtures
    claimed,
    clips,
    store_folder,
    stored_files,
    upload,
)
from videos_helpers import review

from campaignkit.plugins.videos.models import Submission


def test_an_upload_is_stored_probed_and_served_to_who_may_see_it(
    app, producer, organiser, client, claimed, csrf_token, clips, rows, immediate_jobs  # noqa: ANN001, F811
):  # fmt: skip
    page = producer.get(f"/videos/media/upload?brief={claimed}")
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.data
    answer = upload(producer, csrf_token, clips["portrait.mp4"], claimed)
    assert answer.status_code == 303, answer.data
    [row] = rows(Submission)
    assert (row.kind, row.state, row.media_status, row.media_error) == (
        "upload", "submitted", "ready", None
    )  # fmt: skip
    assert (row.width, row.height, row.video_codec, row.audio_codec) == (180, 320, "h264", "aac")
    assert row.file_size == clips["portrait.mp4"].stat().st_size and row.media_job_id
    stored = store_folder(app) / row.file_key
    assert stored.read_bytes() == clips["portrait.mp4"].read_bytes()
    assert sorted(stored_files(app)) == sorted([row.file_key, row.poster_key, row.preview_key])

    played = producer.get(f"/videos/media/{row.id}/file")
    assert played.status_code == 200 and played.mimetype == "video/mp4"
    assert played.headers["Content-Disposition"].startswith("inline")
    ranged = producer.get(f"/videos/media/{row.id}/file", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    saved = organiser.get(f"/videos/media/{row.id}/file?download=1")
    assert saved.headers["Content-Disposition"].startswith("attachment")
    assert 'filename="Our library.mp4"' in saved.headers["Content-Disposition"]
    assert producer.get(f"/videos/media/{row.id}/poster.jpg").mimetype == "image/jpeg"
    assert producer.get(f"/videos/media/{row.id}/preview.mp4").status_code == 200
    assert client.get(f"/videos/media/{row.id}/file").status_code == 404  # not published
    assert producer.get(f"/videos/media/{row.id}/captions.vtt").status_code == 404  # none yet


def test_captions_are_checked_and_served(
    app, producer, client, csrf_token, clips, rows, immediate_jobs  # noqa: ANN001, F811
):  # fmt: skip
    assert upload(producer, csrf_token, clips["portrait.mp4"]).status_code == 303
    [row] = rows(Submission)
    assert b'name="captions"' in producer.get(f"/videos/media/{row.id}/captions").data
    bad = {"csrf_token": csrf_token(producer), "captions": (io.BytesIO(b"hello"), "c.vtt")}
    refused = producer.post(f"/videos/media/{row.id}/captions", data=bad,
                            content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400 and b"starts with the line" in refused.data
    assert rows(Submission)[0].captions_key is None
    good = b"WEBVTT\n\n00:00.000 --> 00:01.000\nSave our library\n"
    form = {"csrf_token": csrf_token(producer), "captions": (io.BytesIO(good), "c.vtt")}
    answer = producer.post(f"/videos/media/{row.id}/captions", data=form,
                           content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 303
    served = producer.get(f"/videos/media/{row.id}/captions.vtt")
    assert served.headers["Content-Type"] == "text/vtt; charset=utf-8" and served.data == good


def test_a_published_upload_plays_in_the_gallery_for_anyone(
    producer, organiser, client, csrf_token, clips, rows, immediate_jobs  # noqa: ANN001, F811
):  # fmt: skip
    assert upload(producer, csrf_token, clips["portrait.mp4"]).status_code == 303
    [row] = rows(Submission)
    good = b"WEBVTT\n\n00:00.000 --> 00:01.000\nSave our library\n"
    form = {"csrf_token": csrf_token(producer), "captions": (io.BytesIO(good), "c.vtt")}
    producer.post(f"/videos/media/{row.id}/captions", data=form, content_type="multipart/form-data")
    review(organiser, csrf_token, row.id, "approve")
    organiser.post(f"/videos/review/{row.id}/publish", data={"csrf_token": csrf_token(organiser)})
    assert rows(Submission)[0].state == "published"
    page = client.get(f"/videos/{row.id}").get_data(as_text=True)
    assert "<video controls" in page
    for route in ("poster.jpg", "preview.mp4", "file", "captions.vtt", "file?download=1"):
        assert f"/videos/media/{row.id}/{route}" in page.replace("&amp;", "&")
        assert client.get(f"/videos/media/{row.id}/{route}").status_code == 200
