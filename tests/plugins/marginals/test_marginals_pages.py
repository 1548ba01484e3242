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
    assert "Where your help counts most" in page and "Other options near you (8 seats)" in page
    assert "km away" in page and "no events planned yet" in page.lower()
    assert "counts as a target" in page and "Host an event here" in page
    assert 'href="/seats/S14' in page
    for jargon in ("priority", "postcode sector", "majority of"):
        assert jargon not in page.lower(), jargon


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


def test_hex_map_is_one_image_and_the_list_beside_it_links_every_seat(client):
    response = client.get("/seats/map")
    page = response.get_data(as_text=True)
    image = page.split('<svg class="marginals-map"', 1)[1].split("</svg>", 1)[0]
    assert image.count('<use href="#hx"') == 650 and 'role="img"' in image
    assert "<a " not in image  # not a stack of 650 links: one Tab step past it
    skip = page.index('href="#seat-list">Skip the map')
    assert skip < page.index('<svg class="marginals-map"') < page.index('id="seat-list"')
    listed = page.split('id="seat-list"', 1)[1]
    assert listed.count('<li><a href="/seats/') == 650
    assert '<a href="/seats/E14001063">Aldershot</a>' in listed
    assert listed.count('<details class="marginals-region"') == 12
    assert "You are here" not in page
    assert len(response.data) < 100_000
    assert "marginals/marginals.css" in page
    assert client.get("/seats/static/marginals/marginals.css").status_code == 200


def test_northern_ireland_and_unknown_postcodes_say_why(client):
    page = client.get("/seats?postcode=BT5+4AA").get_data(as_text=True)
    assert 'role="alert"' in page and "Northern Ireland postcodes are not covered yet" in page
    assert '<a href="/seats/N05000001">Belfast East</a>' in page and "Seats near" not in page
    assert page.count('<li><a href="/seats/N05') == 18
    page = client.get("/seats?postcode=GU99+9ZZ").get_data(as_text=True)
    assert 'role="alert"' in page and "we have no record of it" in page
    assert "Seats near" not in page


def _add_event(app, code: str, days: int, title: str) -> int:  # noqa: ANN001
    with app.test_request_context(), write_session() as session:
        start = utcnow() + timedelta(days=days)
        event = Event(
            type="canvass", title=title, starts_at=start, ends_at=start + timedelta(hours=2),
            postcode="EH1 1YZ", lat=55.95, lon=-3.19, seat_code=code, venue="Library",
            status="approved",
        )  # fmt: skip
        session.add(event)
        session.flush()
        event_id = event.id
    from campaignkit.plugins.marginals.footfall import forget_snapshot

    with app.app_context():
        forget_snapshot()
    return event_id


def test_home_page_asks_for_a_postcode_and_the_answer_leads_with_one_seat(client, app):  # noqa: ANN001
    home = client.get("/").get_data(as_text=True)
    assert 'action="/seats"' in home and 'id="home-postcode" name="postcode"' in home
    assert "Use my location" in home and "locate.js" in home
    first = client.get("/api/v1/marginals/nearest?postcode=EH1+1YZ").get_json()["seats"][0]
    event_id = _add_event(app, first["code"], 10, "Doors after next week")
    page = client.get("/seats?postcode=EH1+1YZ").get_data(as_text=True)
    answer = page.split('class="card marginals-answer"', 1)[1].split("</section>", 1)[0]
    assert first["name"] in answer and "Doors after next week" in answer
    assert f'href="/events/{event_id}#rsvp">I\'ll go</a>' in answer.replace("&#39;", "'")
    assert f'href="/events/{event_id}#carpools">Share a lift</a>' in answer
    assert "no events this week" not in page and " · next event " in answer
    assert "Labour" in answer and ("more votes to win here" in answer or "won by" in answer)
    assert page.index("marginals-answer") < page.index("<details")
    assert 'href="/events?near=EH1+1YZ">Every event near' in answer


def test_plain_words_name_the_kit_party(app):  # noqa: ANN001
    from campaignkit.plugins.marginals.marginality import Marginality, in_words

    with app.app_context():
        held = in_words(Marginality("X", "lab", True, 707, 1.5, "very marginal"))
        lost = in_words(Marginality("X", "lab", False, 1626, 3.0, "very marginal"))
        safe = in_words(Marginality("X", "lab", True, 20000, 40.0, "safe"))
    assert held == "Labour won by 707 votes here in 2024: a few more volunteers could hold it"
    assert lost == "Labour needs 1,626 more votes to win here"
    assert safe == "Labour won by 20,000 votes here in 2024"
