"""tus uploads: unfinished ones expire (the ``expiration`` extension), creation is rate-limited."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from videos_clips import stored_files
from werkzeug.http import parse_date

from campaignkit.plugins.videos.tus_expiry import purge_expired_uploads
from campaignkit.plugins.videos.tus_models import TusUpload

TUS = {"Tus-Resumable": "1.0.0"}
TITLE = "title " + base64.b64encode(b"Our library").decode()
PATCH = {**TUS, "Content-Type": "application/offset+octet-stream"}


@pytest.fixture
def backend() -> str:
    """SQLite only: these check the protocol and files; the tables are checked elsewhere."""
    return "sqlite"


@pytest.fixture
def start(producer, csrf_token):  # noqa: ANN001, ANN201
    """``start(length)``: the producer creates a tus upload; returns the answer."""
    headers = {**TUS, "X-CSRFToken": csrf_token(producer), "Upload-Metadata": TITLE}

    def create(length: int = 10):  # noqa: ANN202
        return producer.post(
            "/videos/media/tus/", headers={**headers, "Upload-Length": str(length)}
        )

    return create


def _expires(answer) -> datetime:  # noqa: ANN001
    return parse_date(answer.headers["Upload-Expires"])


def _age(database, hours: int) -> None:  # noqa: ANN001
    with database.write() as session:
        session.execute(
            update(TusUpload).values(created_at=datetime.now(UTC) - timedelta(hours=hours))
        )


def test_the_server_says_when_an_unfinished_upload_expires(client, producer, start, csrf_token):  # noqa: ANN001
    assert "expiration" in client.options("/videos/media/tus/").headers["Tus-Extension"]
    created = start(10)
    assert created.status_code == 201
    expected = datetime.now(UTC) + timedelta(hours=24)
    assert abs(_expires(created) - expected) < timedelta(minutes=1)
    location = created.headers["Location"]
    token = {"X-CSRFToken": csrf_token(producer)}
    assert _expires(producer.head(location, headers=TUS)) == _expires(created)
    patched = producer.patch(
        location, data=b"12345", headers={**PATCH, **token, "Upload-Offset": "0"}
    )
    assert patched.status_code == 204 and _expires(patched) == _expires(created)
    done = producer.patch(location, data=b"67890", headers={**PATCH, **token, "Upload-Offset": "5"})
    assert done.status_code == 204 and "Upload-Expires" not in done.headers


@pytest.mark.parametrize("videos_settings", [{"tus_expiry_hours": 2}])
def test_an_expired_upload_is_gone_and_its_file_deleted(app, producer, start, database, rows):  # noqa: ANN001
    created = start(10)
    assert abs(_expires(created) - datetime.now(UTC) - timedelta(hours=2)) < timedelta(minutes=1)
    assert len(stored_files(app)) == 1
    _age(database, 3)
    answer = producer.head(created.headers["Location"], headers=TUS)
    assert answer.status_code == 410  # a HEAD answer has no body to say more
    assert rows(TusUpload) == [] and stored_files(app) == []


def test_the_clean_up_deletes_expired_uploads_only(
    app, producer, start, csrf_token, database, rows
):  # noqa: ANN001
    start(10)
    finished = start(5).headers["Location"]
    headers = {**PATCH, "X-CSRFToken": csrf_token(producer), "Upload-Offset": "0"}
    assert producer.patch(finished, data=b"12345", headers=headers).status_code == 204
    [whole] = [row.file_key for row in rows(TusUpload) if row.submission_id]
    _age(database, 25)
    start(20)
    assert len(stored_files(app)) == 3
    with app.app_context():
        assert purge_expired_uploads() == 2
    [kept] = rows(TusUpload)
    assert kept.length == 20
    assert stored_files(app) == sorted([f"{kept.file_key}.part", whole])


@pytest.mark.parametrize("videos_settings", [{"tus_create_rate": "2 per hour"}])
def test_starting_uploads_is_limited_per_person(organiser, start, csrf_token):  # noqa: ANN001
    assert [start().status_code for _ in range(3)] == [201, 201, 429]
    headers = {**TUS, "X-CSRFToken": csrf_token(organiser), "Upload-Length": "10",
               "Upload-Metadata": TITLE}  # fmt: skip
    other = organiser.post("/videos/media/tus/", headers=headers)
    assert other.status_code == 400 and b"approved producers" in other.data  # not 429
