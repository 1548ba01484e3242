"""GET /api/v1/marginals/nearest: ranked seats with reasons and events, JSON errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session

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
        assert "this week" in seat["reasons"][-1]
        assert (
            seat["votes_to_win"] is None
            or f"needs {seat['votes_to_win']:,} votes" in seat["reasons"]
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
    ]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == status, query
        body = response.get_json()
        assert body["status"] == status and words in body["message"], query
