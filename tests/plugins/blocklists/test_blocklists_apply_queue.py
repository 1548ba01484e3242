"""Queueing the apply job: a list change reaches every subscriber's queue within a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apply_helpers import add_entries, remove_entry

from campaignkit.plugins.blocklists.apply_queue import due_connections, request_apply
from campaignkit.plugins.blocklists.subscribers import Connection

pytestmark = pytest.mark.usefixtures("backend")

CREDENTIALS = {"access_token": "t", "refresh_token": "r", "expires_at": 0}


def _queued(app) -> list[int]:  # noqa: ANN001
    """Connection ids of the apply jobs waiting on the queue, in order."""
    huey = app.extensions["campaignkit"].huey
    return [t.args[1] for t in huey.pending() if t.name.endswith("apply_blocklists")]


@pytest.fixture(autouse=True)
def empty_queue(app):  # noqa: ANN001, ANN201
    huey = app.extensions["campaignkit"].huey
    huey.flush()
    yield
    huey.flush()


def test_a_list_change_reaches_every_subscribers_queue_at_once_and_only_once(
    app, add_list, add_connection
):  # noqa: ANN001
    trolls, other = add_list("trolls"), add_list("other")
    first = add_connection("x", "1", CREDENTIALS, lists={trolls.id: "mute"})
    second = add_connection("x", "2", CREDENTIALS, lists={trolls.id: "mute", other.id: "mute"})
    add_connection("x", "3", CREDENTIALS, lists={other.id: "mute"})
    add_entries(app, trolls, "x", [("100", "@a"), ("101", "@b")])
    assert sorted(_queued(app)) == [first, second]  # queued once each, not per entry
    remove_entry(app, trolls.id, "100")
    assert sorted(_queued(app)) == [first, second]  # still queued: not twice
    with app.app_context():
        assert request_apply(first) is False


def test_the_minute_scan_queues_changed_and_due_connections_only(app, add_list, add_connection):  # noqa: ANN001
    trolls = add_list("trolls")
    never_planned = add_connection("x", "1", CREDENTIALS, lists={trolls.id: "mute"})
    later = datetime.now(UTC) + timedelta(minutes=5)
    planned = add_connection("x", "2", CREDENTIALS, lists={trolls.id: "mute"},
                      planned_at=datetime.now(UTC) + timedelta(seconds=1))  # fmt: skip
    waiting = add_connection("x", "3", CREDENTIALS, lists={}, planned_at=later, not_before=later)
    add_connection("x", "4", CREDENTIALS, lists={}, status="reconnect")
    with app.app_context():
        assert due_connections() == [never_planned]
        with app.extensions["campaignkit"].database.write() as session:
            session.get(Connection, planned).planned_at = datetime.now(UTC) - timedelta(minutes=1)
        add_entries(app, trolls, "x", [("100", "@a")])
        assert due_connections() == [never_planned, planned]
        assert waiting not in due_connections(later + timedelta(seconds=1))
