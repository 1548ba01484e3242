"""Events on a US instance: hosted at a ZIP in its own time zone, found near a ZIP in miles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from campaignkit.core.events.models import Event

US = pytest.mark.parametrize(("campaignkit_kit", "campaignkit_plugins"), [("us", None)])
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _form(**changes: str) -> dict[str, str]:
    fields = {
        "type": "canvass", "title": "Doors in the Mission", "date": TOMORROW, "start": "10:00",
        "end": "12:00", "timezone": "", "venue": "Library", "postcode": "94110",
    }  # fmt: skip
    return {**fields, **changes}


@US
def test_events_take_their_zip_time_zone_and_are_found_in_miles(
    app, client, make_user, login, csrf_token
):
    login(client, make_user("organiser@example.org", "organiser"))
    form_page = client.get("/host/events/new").get_data(as_text=True)
    assert 'id="timezone" name="timezone" type="text" value=""' in form_page  # its place's zone
    assert "Leave empty for the local time zone of the ZIP code." in form_page
    assert '<label for="postcode">ZIP code</label>' in form_page
    prefilled = client.get("/host/events/new?postcode=10022&seat=NY-10").get_data(as_text=True)
    assert "10022 is in New York&#39;s 12th, not the seat you came from" in prefilled
    for changes in (
        {},  # San Francisco: Pacific time
        {"title": "Midtown phone bank", "postcode": "10022"},
        {"title": "Cheyenne canvass", "postcode": "82001", "timezone": "America/Chicago"},
    ):
        sent = client.post(
            "/host/events/new", data={**_form(**changes), "csrf_token": csrf_token(client)}
        )
        assert sent.status_code == 303, sent.get_data(as_text=True)
    with app.extensions["campaignkit"].database.new_session() as session:
        zones = {e.title: (e.timezone, e.seat_code) for e in session.scalars(select(Event))}
        starts = {e.title: e.starts_at for e in session.scalars(select(Event))}
    assert zones == {
        "Doors in the Mission": ("America/Los_Angeles", "CA-11"),
        "Midtown phone bank": ("America/New_York", "NY-12"),
        "Cheyenne canvass": ("America/Chicago", "WY-00"),  # a zone the host typed is kept
    }
    gap = starts["Doors in the Mission"] - starts["Midtown phone bank"]
    assert gap == timedelta(hours=3)  # both at 10:00 local time

    district = client.get("/seats/CA-11").get_data(as_text=True)  # the district's page
    assert "Doors in the Mission" in district
    assert "10:00 PST" in district or "10:00 PDT" in district  # the event's own local time
    page = client.get("/events?near=10001&radius=25").get_data(as_text=True)
    assert "1 event within 25 miles of 10001" in page and "Your ZIP code" in page
    assert "Within (miles)" in page and "Midtown phone bank" in page and " miles" in page
    assert "Doors in the Mission" not in page
    wide = client.get("/events?near=10001&radius=124").get_data(as_text=True)
    assert "1 event within 124 miles of 10001" in wide  # 124 miles is the 200 km limit
    bad = client.get("/events?near=0213A")
    assert bad.status_code == 400 and "is not a ZIP code" in bad.get_data(as_text=True)
    assert client.get("/events?near=10001&radius=500").status_code == 400
