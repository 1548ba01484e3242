"""GET /api/v1/marginals/seat-at: JSON seat, JSON errors."""

from __future__ import annotations


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
        assert body["status"] == status and words in body["message"], query
