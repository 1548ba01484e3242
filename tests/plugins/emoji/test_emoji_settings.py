"""The ``[plugins.emoji]`` settings: the upload size cap and the submission rate limit."""

from __future__ import annotations

import pytest
from emoji_helpers import upload

from campaignkit.plugins.emoji.models import Art


@pytest.fixture
def emoji_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"max_upload_mb": 1, "submit_rate": "2 per minute"}


def test_the_size_cap_setting_and_permissions(backend, app, organiser, make_user, login,
                                              csrf_token, rows):  # noqa: ANN001 # fmt: skip
    volunteer = app.test_client()
    assert volunteer.get("/emoji/roses/submit").status_code in (302, 303)  # sign in first
    login(volunteer, make_user("vol@example.org", role="volunteer"))
    big = upload(volunteer, csrf_token, data=b"\x89PNG" + b"0" * (1024 * 1024))
    assert big.status_code == 400 and "up to 1 MB" in big.get_data(as_text=True)
    assert "up to 1 MB" in volunteer.get("/emoji/roses/submit").get_data(as_text=True)
    assert volunteer.get("/organise/emoji").status_code == 403
    assert volunteer.get("/organise/emoji/review").status_code == 403
    no_csrf = volunteer.post("/emoji/roses/submit", data={"name": "x"})
    assert no_csrf.status_code == 400
    assert rows(Art) == []
    assert volunteer.get("/emoji/tulips").status_code == 404
    assert upload(volunteer, csrf_token, name="one").status_code == 303
    limited = upload(volunteer, csrf_token, name="two")  # the third counted POST this minute
    assert limited.status_code == 429
    assert [a.name for a in rows(Art)] == ["one"]
