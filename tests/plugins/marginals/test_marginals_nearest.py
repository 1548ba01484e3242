"""GET /api/v1/marginals/nearest: ranked seats with reasons and events, JSON errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaignkit.core.auth.models import utcnow
from campaignkit.core.errors import error_code
from campaignkit.core.events.models import Event
from campaignkit.core.events.notify import event_changed
from campaignkit.core.session import write_session
from campaignkit.plugins.marginals import footfall
from campaignkit.plugins.marginals.footfall import forget_snapshot

URL = "/api/v1/marginals/nearest"


@pytest.mark.parametrize(
    ("postcode", "nation"),
    [("SW1A 1AA", "E"), ("EH1 1YZ", "S"), ("CF10 1EP", "W")],
)
def test_a_postcode_in_each_nation_gets_nearby_seats_with_reasons(client, postcode, nation):
    body = client.get(f"{URL}?postcode={postcode}&limit=4").get_json()
    assert body["query"]["postcode"] == postcode
    assert body["query"]["precision"] in {"sector", "district", "postcode"}
    seats = body["seats"]
    assert 1 <= len(seats) <= 4
    assert seats[0]["code"].startswith(nation)
    distances = [seat["distance_km"] for seat in seats if seat["code"] != body["query"]["seat"]]
    assert distances == sorted(distances) and distances[0] < 80
    for seat in seats:
        assert set(seat) >= {"code", "name", "winner", "majority", "majority_pct", "votes_to_win"}
        assert seat["priority"] in {3, 5} and seat["reasons"]
        assert seat["reasons"][-1] == "no events planned yet"  # no events in this test
        assert (
            seat["votes_to_win"] is None
            or f"Labour needs {seat['votes_to_win']:,} more votes to win here" in seat["reasons"]
        )
        assert not any(
            "priority" in reason or "majority of" in reason for reason in seat["reasons"]
        )


def test_need_mode_prefers_seats_short_of_events(client, app):
    first = client.get(f"{URL}?lat=51.5&lon=-0.12&mode=need&limit=3").get_json()["seats"]
    scores = [seat["need_score"] for seat in first]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    top = first[0]
    with app.test_request_context(), write_session() as session:
        start = utcnow() + timedelta(days=2)
        for _ in range(3):
            session.add(
                Event(
                    type="canvass",
                    title="Doors in the seat",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    postcode="SW1A 1AA",
                    lat=51.5,
                    lon=-0.12,
                    seat_code=top["code"],
                    going=30,
                    status="approved",
                )  # fmt: skip
            )
    with app.app_context():  # written past the events service, which would say so itself
        forget_snapshot()
    again = client.get(f"{URL}?lat=51.5&lon=-0.12&mode=need&limit=50").get_json()["seats"]
    now_top = next(seat for seat in again if seat["code"] == top["code"])
    assert now_top["need_score"] < top["need_score"]
    assert "3 events this week" in now_top["reasons"]
    assert now_top["events"][0]["title"] == "Doors in the seat"
    assert now_top["events"][0]["url"].startswith("/events/")


def test_errors_are_json(client):
    for query, status, words in [
        ("postcode=nonsense", 400, "not a UK postcode"),
        ("postcode=ZZ99 9ZZ", 404, "no record"),
        ("lat=51.5", 400, "Give 'lon'"),
        ("lat=51.5&lon=0&mode=random", 400, "'mode'"),
        ("lat=51.5&lon=0&limit=0", 400, "'limit'"),
        ("lat=51.5&lon=0&limit=x", 400, "'limit'"),
        ("lat=51.5&lon=0&limit=²", 400, "'limit'"),
        ("lat=51.5&lon=0&limit=١", 400, "'limit'"),
        ("lat=５１&lon=0", 400, "'lat'"),
    ]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == status, query
        body = response.get_json()
        assert body["error"]["code"] == error_code(status), query
        assert words in body["error"]["message"], query


def _add_event(app, seat_code: str) -> Event:  # noqa: ANN001
    start = utcnow() + timedelta(days=1)
    with app.test_request_context(), write_session() as session:
        event = Event(
            type="canvass", title="Late addition", starts_at=start,
            ends_at=start + timedelta(hours=2), postcode="SW1A 1AA", lat=51.5, lon=-0.12,
            seat_code=seat_code, going=0, status="approved",
        )  # fmt: skip
        session.add(event)
    return event


def _events_in(client, code: str) -> int:  # noqa: ANN001
    seats = client.get(f"{URL}?lat=51.5&lon=-0.12&mode=need&limit=50").get_json()["seats"]
    return next(len(seat["events"]) for seat in seats if seat["code"] == code)


def test_events_are_read_afresh_when_one_changes_or_the_snapshot_ages(app, client, monkeypatch):
    first = client.get(f"{URL}?lat=51.5&lon=-0.12&mode=need&limit=1").get_json()["seats"][0]
    code, before = first["code"], len(first["events"])
    event = _add_event(app, code)
    assert _events_in(client, code) == before  # the snapshot of a moment ago is reused
    with app.test_request_context():
        event_changed(event, "created")  # what the events service says after each change
    assert _events_in(client, code) == before + 1
    _add_event(app, code)
    monkeypatch.setattr(footfall, "SNAPSHOT_SECONDS", 0.0)  # the snapshot has aged
    assert _events_in(client, code) == before + 2
