"""With ``require_second_approval``: an entry waits until a different maintainer approves it."""

from __future__ import annotations

import pytest
from blocklists_helpers import entry_form

from campaignkit.plugins.blocklists.models import Entry


@pytest.fixture
def blocklists_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"require_second_approval": True}


def test_second_approval_needs_a_different_maintainer(
    app,
    client,
    maintainer,
    make_user,
    login,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}"
    client.post(url + "/entries", data={**entry_form(), "csrf_token": csrf_token(client)})
    (entry,) = rows(Entry)
    assert entry.status == "pending"
    assert "783214" not in app.test_client().get("/blocklists/trolls").get_data(as_text=True)
    own = client.post(f"{url}/entries/{entry.id}",
                      data={"action": "approve", "csrf_token": csrf_token(client)})  # fmt: skip
    assert own.status_code == 303 and rows(Entry)[0].status == "pending"
    other = app.test_client()
    second = make_user("second@example.org", role="organiser")
    login(other, second)
    approve = {"action": "approve", "csrf_token": csrf_token(other)}
    assert other.post(f"{url}/entries/{entry.id}", data=approve).status_code == 303
    stored = rows(Entry)[0]
    assert stored.status == "live" and stored.approved_by == second.id
    assert "@Troll_1" in app.test_client().get("/blocklists/trolls").get_data(as_text=True)
