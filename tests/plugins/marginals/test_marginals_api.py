"""GET /api/v1/marginals/seat-at and /nearest: JSON seat, JSON errors, places through core."""

from __future__ import annotations

import campaignkit
from campaignkit.core import SeatRef
from campaignkit.core.errors import error_code


def test_seat_at_api(client):
    response = client.get("/api/v1/marginals/seat-at?lat=51.291&lon=-0.76917")
    assert response.status_code == 200
    assert response.get_json() == {"code": "E14001063", "name": "Aldershot"}

    for query, status, words in [
        ("lat=51.3", 400, "Give 'lon'"),
        ("lat=abc&lon=0", 400, "must be a number"),
        ("lat=91&lon=0", 400, "between -90 and 90"),
        ("lat=nan&lon=0", 400, "between"),
        ("lat=48.85&lon=2.35", 404, "No seat"),
    ]:
        response = client.get(f"/api/v1/marginals/seat-at?{query}")
        assert response.status_code == status, query
        body = response.get_json()
        assert body["error"]["code"] == error_code(status), query
        assert words in body["error"]["message"], query


class SeatsEverywhere:
    """A test plugin that answers seat_at before marginals does: every position is Aldershot."""

    @campaignkit.hookimpl(tryfirst=True)
    def campaignkit_seat_at(self, lat, lon):
        return SeatRef("E14001063", "Aldershot")


def test_positions_go_through_core_seat_at(make_app):
    client = make_app(extra_plugins=[("everywhere", SeatsEverywhere())]).test_client()
    paris = "lat=48.85&lon=2.35"
    assert client.get(f"/api/v1/marginals/seat-at?{paris}").get_json()["code"] == "E14001063"
    body = client.get(f"/api/v1/marginals/nearest?{paris}").get_json()
    assert body["query"]["seat"] == "E14001063"


def test_nearest_echoes_the_normalised_postcode(client):
    body = client.get("/api/v1/marginals/nearest?postcode=sw1a1aa").get_json()
    assert body["query"]["postcode"] == "SW1A 1AA"
