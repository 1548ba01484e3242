"""Privacy (export, erasure) and the ``campaignkit videos`` commands (briefs, purge)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from videos_helpers import review, submit_link

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.videos.models import Brief, Claim, Producer, Submission, Takedown


@pytest.fixture
def sent(organiser, producer, brief_id, csrf_token, rows) -> tuple[int, int]:  # noqa: ANN001
    """sam@example.org claimed the brief and sent two videos: one published, one waiting."""
    producer.post(f"/videos/briefs/{brief_id}/claim", data={"csrf_token": csrf_token(producer)})
    submit_link(producer, csrf_token, brief_id, title="Published film")
    submit_link(producer, csrf_token, brief_id, title="Waiting film")
    published, waiting = (row.id for row in rows(Submission))
    review(organiser, csrf_token, published, "approve")
    organiser.post(
        f"/videos/review/{published}/publish", data={"csrf_token": csrf_token(organiser)}
    )
    return published, waiting


def test_export_then_erase_takes_the_producer_off_the_credits(backend, app, client, sent, rows):  # noqa: ANN001
    published, _waiting = sent
    with app.test_request_context():
        _subject, archive = export_person("sam@example.org", None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        exported = json.loads(opened.read("videos.json"))
    assert exported["producer"]["credit_name"] == "Sam Films"
    assert sorted(v["title"] for v in exported["videos"]) == ["Published film", "Waiting film"]
    assert [c["brief"] for c in exported["claims"]] == ["Why the library matters"]
    assert "By Sam Films" in client.get(f"/videos/{published}").get_data(as_text=True)
    with app.test_request_context():
        counts = erase_person("sam@example.org", "cli")
    assert counts["videos"] >= 3
    [kept] = rows(Submission)
    assert (kept.id, kept.producer_id, kept.state) == (published, None, "published")
    assert rows(Producer) == [] and rows(Claim) == [] and rows(Brief)[0].claim_count == 0
    page = client.get(f"/videos/{published}").get_data(as_text=True)
    assert "By a volunteer" in page and "Sam Films" not in page


@pytest.mark.parametrize("videos_settings", [{"erase_withdraws_unpublished": False}])
def test_erasure_can_keep_unpublished_videos_without_a_name(backend, app, sent, rows):  # noqa: ANN001
    with app.test_request_context():
        erase_person("sam@example.org", "cli")
    assert [(r.title, r.producer_id) for r in rows(Submission)] == [
        ("Published film", None), ("Waiting film", None)
    ]  # fmt: skip


def test_the_briefs_command_lists_open_briefs(backend, cli, brief_id, organiser, csrf_token):  # noqa: ANN001
    listed = cli("videos", "briefs")
    assert listed.exit_code == 0, listed.output
    assert f"{brief_id}\topen\t9:16\t60s\t" in listed.output and "Why the library" in listed.output
    organiser.post(f"/videos/briefs/{brief_id}/status",
                   data={"status": "closed", "csrf_token": csrf_token(organiser)})  # fmt: skip
    assert "No briefs." in cli("videos", "briefs").output
    assert "\tclosed\t" in cli("videos", "briefs", "--all").output


def test_purge_marks_takedowns_past_the_retention_period(
    backend, app, cli, organiser, sent, csrf_token, rows, database
):  # noqa: ANN001
    published, _ = sent
    form = {"reason": "Consent withdrawn", "csrf_token": csrf_token(organiser)}
    organiser.post(f"/videos/review/{published}/takedown", data=form)
    assert "of 0 taken-down" in cli("videos", "purge").output
    long_ago = datetime.now(UTC) - timedelta(days=91)
    with database.write() as session:
        session.execute(update(Takedown).values(created_at=long_ago))
    assert "Would purge the files of 1" in cli("videos", "purge", "--dry-run").output
    assert rows(Takedown)[0].purged_at is None
    assert "Purged the files of 1" in cli("videos", "purge").output
    assert rows(Takedown)[0].purged_at is not None
    assert "of 0 taken-down" in cli("videos", "purge").output
