"""With double opt-in off: a signature counts at once, and each address only once."""

from __future__ import annotations

import pytest
from pledges_helpers import sign_form

from campaignkit.plugins.pledges.models import Pledge, Signature


def _sign(client, csrf_token, slug="save-the-library", **fields):  # noqa: ANN001, ANN202
    data = {**sign_form(**fields), "csrf_token": csrf_token(client)}
    return client.post(f"/pledges/{slug}/sign", data=data)


@pytest.fixture
def pledge_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"double_opt_in": False}


def test_without_double_opt_in_the_count_goes_up_at_once_and_only_once(
    app,
    client,
    add_pledge,
    rows,
    csrf_token,  # noqa: ANN001
):
    add_pledge()
    for _ in range(3):
        assert _sign(client, csrf_token).status_code == 303
    _sign(client, csrf_token, email="bob@example.org", show_name=None)
    assert rows(Pledge)[0].signed_count == 2
    assert sorted(s.email for s in rows(Signature)) == ["ann@example.org", "bob@example.org"]
