"""The seat rankings' events snapshot: every worker reads events afresh once one changes.

Two apps on one instance stand for two worker processes; each keeps its own
snapshot. The second must not go on listing what the first changed.
"""

from __future__ import annotations

from campaignkit.core.events.service import cancel_event

URL = "/api/v1/marginals/nearest?postcode=SW1A%201AA&limit=5"
SEAT = {"seat_code": "E14001172", "seat_name": "Cities of London and Westminster"}


def _titles(client) -> set[str]:  # noqa: ANN001 - FlaskClient
    seats = client.get(URL).get_json()["seats"]
    return {event["title"] for seat in seats for event in seat["events"]}


def test_an_event_added_or_cancelled_in_one_worker_is_listed_at_once_by_another(
    app,
    make_app,
    ck_make_event,  # noqa: ANN001
):
    other = make_app().test_client()
    assert _titles(other) == set()  # the other worker keeps this (empty) snapshot
    event = ck_make_event(title="Leafleting the high street", **SEAT)
    assert _titles(other) == {"Leafleting the high street"}
    with app.test_request_context():
        cancel_event(event.id)
    assert _titles(other) == set()


def _codes(client) -> list[str]:  # noqa: ANN001 - FlaskClient
    return [seat["code"] for seat in client.get(URL).get_json()["seats"]]


def test_a_seat_marked_through_one_worker_is_ranked_so_at_once_by_another(app, make_app):
    from campaignkit.plugins.marginals.targets import set_target

    other = make_app().test_client()
    first = _codes(other)[0]  # the other worker keeps the marks it read (none yet)
    with app.test_request_context():
        set_target(first, "ignore", 1, "", None)
    assert first not in _codes(other)
    with app.test_request_context():
        set_target(first, "target", 5, "", None)
    assert _codes(other) == [first]  # now the only target seat
