"""``campaignkit videos import FILE --brief ID --producer EMAIL``: a file from elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from videos_clips import store_folder, stored_files
from videos_helpers import post_brief

from campaignkit.plugins.videos.models import Brief, Submission


def test_import_copies_the_file_and_starts_processing(backend, app, cli, claimed, clips, rows):  # noqa: ANN001
    source = clips["portrait.mp4"]
    done = cli("videos", "import", str(source), "--brief", str(claimed),
               "--producer", "Sam@Example.org")  # fmt: skip
    assert done.exit_code == 0, done.output
    [row] = rows(Submission)
    assert f"Imported as submission {row.id}" in done.output
    assert (row.brief_id, row.title, row.kind, row.state) == (
        claimed,
        "portrait",
        "upload",
        "submitted",
    )
    assert row.file_size == source.stat().st_size and row.content_type == "video/mp4"
    assert row.media_job_id and row.media_status == "pending"
    assert stored_files(app) == [row.file_key]
    assert (store_folder(app) / row.file_key).read_bytes() == source.read_bytes()


def test_import_without_a_brief_is_an_open_video(backend, app, cli, producer, clips, rows):  # noqa: ANN001
    done = cli("videos", "import", str(clips["square.webm"]), "--producer", "sam@example.org",
               "--title", "Open film")  # fmt: skip
    assert done.exit_code == 0, done.output
    [row] = rows(Submission)
    assert (row.brief_id, row.title, row.content_type) == (None, "Open film", "video/webm")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"file": "missing.mp4"}, "There is no file at"),
        ({"email": "nobody@example.org"}, "No account has the email address 'nobody@example.org'"),
        ({"email": "pat@example.org"}, "pat@example.org is not an approved producer."),
        ({"brief": "9999"}, "There is no brief 9999."),
        ({"brief": "closed"}, "is closed."),
        ({"brief": "unclaimed"}, "sam@example.org has not claimed brief"),
    ],
)
def test_a_refused_import_says_why_and_stores_nothing(
    backend,
    app,
    cli,
    claimed,
    clips,
    rows,
    make_user,
    organiser,
    csrf_token,
    change,
    message,  # noqa: ANN001
):
    make_user("pat@example.org", role="supporter")
    brief = change.get("brief", str(claimed))
    if brief == "closed":
        organiser.post(f"/videos/briefs/{claimed}/status",
                       data={"status": "closed", "csrf_token": csrf_token(organiser)})  # fmt: skip
        brief = str(claimed)
    elif brief == "unclaimed":
        assert post_brief(organiser, csrf_token).status_code == 303
        brief = str(rows(Brief)[-1].id)
    source = str(clips["portrait.mp4"]) if "file" not in change else change["file"]
    done = cli("videos", "import", source, "--brief", brief,
               "--producer", change.get("email", "sam@example.org"))  # fmt: skip
    assert done.exit_code == 1
    assert message in done.output and "Traceback" not in done.output
    assert rows(Submission) == [] and stored_files(app) == []


@pytest.mark.parametrize("videos_settings", [{"max_upload_mb": 1}])
def test_an_import_over_the_cap_is_refused_before_copying(
    backend,
    app,
    cli,
    claimed,
    rows,
    tmp_path: Path,  # noqa: ANN001
):
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (1024 * 1024 + 1))
    done = cli(
        "videos", "import", str(big), "--brief", str(claimed), "--producer", "sam@example.org"
    )
    assert done.exit_code == 1 and "larger than the 1 MB that is taken" in done.output
    assert rows(Submission) == [] and stored_files(app) == []
