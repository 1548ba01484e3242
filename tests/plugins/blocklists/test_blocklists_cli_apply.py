"""``campaignkit blocklists apply [--account ID]``: pending work in the foreground."""

from __future__ import annotations

import pytest
from apply_helpers import add_entries
from fake_x import serve


@pytest.fixture
def fake():
    """A fake X whose 15-minute window lasts 0.3 s."""
    with serve(window_seconds=0.3) as running:
        yield running


@pytest.fixture
def blocklists_settings(fake) -> dict:  # noqa: ANN001
    return {"x_api_url": fake.url}


def test_apply_runs_every_account_with_work_then_has_nothing_left(
    app, cli, fake, add_list, add_connection
):  # noqa: ANN001, E501
    trolls = add_list("trolls")
    users = [fake.add_user(f"troll{i}") for i in range(3)]
    add_entries(app, trolls, "x", [(u.id, f"@{u.username}") for u in users])
    credentials = {"access_token": fake.token, "refresh_token": "", "expires_at": 0}
    connection_id = add_connection("x", fake.me.id, credentials, lists={trolls.id: "mute"})

    done = cli("blocklists", "apply")
    assert done.exit_code == 0, done.output
    assert f"Account {connection_id}: 3 of 3 steps done (finished)." in done.output
    assert set(fake.me.muting) == {u.id for u in users}
    again = cli("blocklists", "apply")
    assert "Nothing to apply" in again.output
    one = cli("blocklists", "apply", "--account", str(connection_id))
    assert "3 of 3 steps done (finished)" in one.output
    assert len(fake.calls_to("POST", "/muting")) == 3
    missing = cli("blocklists", "apply", "--account", "999")
    assert missing.exit_code != 0 and "no connected account with id 999" in missing.output
