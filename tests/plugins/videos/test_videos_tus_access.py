"""Who may use the tus endpoint: its guard is inside the view (OPTIONS must stay public for
tus clients, and they expect 403/404 rather than a redirect to the sign-in page)."""

from __future__ import annotations

import base64

import pytest

from campaignkit.plugins.videos.tus_models import TusUpload

TUS = {"Tus-Resumable": "1.0.0"}
START = {"Upload-Length": "10", "Upload-Metadata": "title " + base64.b64encode(b"Mine").decode()}


@pytest.fixture
def backend() -> str:
    """SQLite only: this checks who may call the endpoint."""
    return "sqlite"


def _headers(client, csrf_token, **more: str) -> dict[str, str]:  # noqa: ANN001
    return {**TUS, "X-CSRFToken": csrf_token(client), **more}


def test_a_supporter_who_is_not_a_producer_may_not_start_an_upload(
    app, make_user, login, csrf_token, rows  # noqa: ANN001
):  # fmt: skip
    supporter = app.test_client()
    login(supporter, make_user("sue@example.org", role="supporter"))
    answer = supporter.post("/videos/media/tus/", headers=_headers(supporter, csrf_token,
                            **START))  # fmt: skip
    assert answer.status_code == 403
    assert b"Only approved producers" in answer.data
    assert rows(TusUpload) == []


def test_another_producer_cannot_see_resume_or_end_an_upload(
    app, producer, organiser, make_user, login, csrf_token, rows  # noqa: ANN001
):  # fmt: skip
    created = producer.post("/videos/media/tus/", headers=_headers(producer, csrf_token,
                            **START))  # fmt: skip
    assert created.status_code == 201
    url = created.headers["Location"]
    # The organiser may produce too, but the upload is not theirs.
    for method in ("HEAD", "PATCH", "DELETE"):
        headers = _headers(organiser, csrf_token, **{"Upload-Offset": "0"})
        if method == "PATCH":
            headers["Content-Type"] = "application/offset+octet-stream"
        answer = organiser.open(url, method=method, headers=headers, data=b"x" if method ==
                                "PATCH" else None)  # fmt: skip
        assert answer.status_code == 404, method
    [upload] = rows(TusUpload)
    assert producer.head(url, headers=TUS).headers["Upload-Offset"] == "0"
    assert upload.length == 10
