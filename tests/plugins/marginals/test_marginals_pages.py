"""The postcode box, the ranked seats and the seat page, without JavaScript."""

from __future__ import annotations

from datetime import timedelta

from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session


def test_postcode_box_ranks_seats_with_reasons(client):
    page = client.get("/seats").get_data(as_text=True)
    assert 'name="postcode"' in page and "Find a seat" in page
    page = client.get("/seats?postcode=EH1+1YZ").get_data(as_text=True)
    assert "Seats near EH1" in page and "this week" in page and "km away" in page
    assert "counts as a target" in page and "Host an event here" in page
    assert 'href="/seats/S14' in page


def test_bad_postcode_says_why(client):
    page = client.get("/seats?postcode=nonsense").get_data(as_text=True)
    assert 'role="alert"' in page and "not a UK postcode" in page


def test_seat_page_lists_its_events(client, app):
    with app.test_request_context(), write_session() as session:
        start = utcnow() + timedelta(days=3)
        session.add(
            Event(
                type="canvass",
                title="Aldershot doors <b>",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                postcode="GU11 1AA",
                lat=51.25,
                lon=-0.76,
                seat_code="E14001063",
                status="approved",
                chat_url="https://chat.example/x",
            )  # fmt: skip
        )
    page = client.get("/seats/E14001063").get_data(as_text=True)
    assert "<h1>Aldershot</h1>" in page
    assert "Aldershot doors &lt;b&gt;" in page and "https://chat.example/x" in page
    assert client.get("/seats/NOPE").status_code == 404


def test_hex_map_links_every_seat_and_has_a_table(client):
    page = client.get("/seats/map").get_data(as_text=True)
    assert page.count("<polygon") == 650
    assert page.count('<tr><th scope="row">') == 650
    assert '<a href="/seats/E14001063"><title>Aldershot' in page
    assert "marginals/marginals.css" in page
    assert client.get("/seats/static/marginals/marginals.css").status_code == 200


def test_northern_ireland_and_unknown_postcodes_say_why(client):
    page = client.get("/seats?postcode=BT5+4AA").get_data(as_text=True)
    assert 'role="alert"' in page and "Northern Ireland postcodes are not covered yet" in page
    assert "Belfast East" in page and "Seats near" not in page
    page = client.get("/seats?postcode=GU99+9ZZ").get_data(as_text=True)
    assert 'role="alert"' in page and "we have no record of it" in page
    assert "Seats near" not in page
