"""The supporter's progress page: steps done of total, the state in words, the log; owner only."""

from __future__ import annotations

import pytest
from apply_helpers import add_entries
from fake_x import serve

from campaignkit.plugins.blocklists.applying import run_apply
from campaignkit.plugins.blocklists.subscribers import Connection

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def fake():
    """A fake X whose 15-minute window lasts 0.3 s."""
    with serve(window_seconds=0.3) as running:
        yield running


@pytest.fixture
def blocklists_settings(fake) -> dict:  # noqa: ANN001
    return {"x_api_url": fake.url}


def test_the_owner_sees_progress_the_log_and_done(
    app, client, fake, add_list, add_connection, make_user, login
):  # noqa: ANN001, E501
    owner = make_user("owner@example.org")
    trolls = add_list("trolls", title="Known trolls")
    users = [fake.add_user(f"troll{i}") for i in range(3)]
    add_entries(app, trolls, "x", [(u.id, f"@{u.username}") for u in users])
    credentials = {"access_token": fake.token, "refresh_token": "", "expires_at": 0}
    connection_id = add_connection("x", fake.me.id, credentials, lists={trolls.id: "mute"},
                            user_id=owner.id, handle="@supporter")  # fmt: skip
    url = f"/account/blocklists/{connection_id}/progress"
    assert client.get(url).status_code == 302  # sign in first

    login(client, owner)
    with app.app_context():
        run_apply(connection_id, clock=fake.clock, max_steps=1)
    page = client.get(url).get_data(as_text=True)
    assert "1 of 3 steps done (33%)" in page and 'http-equiv="refresh"' in page
    assert "Muted @troll0 because Known trolls lists this account" in page
    assert "Working through your lists." in page

    with app.app_context():
        run_apply(connection_id, clock=fake.clock)
    page = client.get(url).get_data(as_text=True)
    assert "3 of 3 steps done (100%)" in page and "refresh" not in page
    assert "Done: every list you subscribe to is applied." in page

    with app.extensions["campaignkit"].database.write() as session:
        session.get(Connection, connection_id).status = "reconnect"
    assert "Connect this account again" in client.get(url).get_data(as_text=True)


def test_someone_elses_or_a_missing_connection_is_not_found(
    app, client, add_connection, make_user, login
):  # noqa: ANN001, E501
    owner, other = make_user("owner@example.org"), make_user("other@example.org")
    credentials = {"access_token": "t", "refresh_token": "", "expires_at": 0}
    connection_id = add_connection("x", "42", credentials, user_id=owner.id)
    login(client, other)
    assert client.get(f"/account/blocklists/{connection_id}/progress").status_code == 404
    assert client.get(f"/account/blocklists/{connection_id + 1}/progress").status_code == 404
