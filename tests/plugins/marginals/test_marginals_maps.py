"""The seat page's map and "you are here" on the hex map, reached from a postcode search."""

from __future__ import annotations

import re
from datetime import timedelta

from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import Event
from campaignkit.core.session import write_session

ALDERSHOT = "E14001063"


def _image(page: str, name: str) -> str:
    return page.split(f'class="{name}"', 1)[1].split("</svg>", 1)[0]


def test_the_hex_map_marks_the_searched_seat(client):
    found = client.get("/seats?postcode=EH1+1YZ").get_data(as_text=True)
    assert 'href="/seats/map?postcode=EH1+1YZ"' in found  # the map link keeps the postcode
    page = client.get("/seats/map?postcode=EH1+1YZ").get_data(as_text=True)
    image = _image(page, "marginals-map")
    assert '<g class="you-are-here"' in image and "You are here</text>" in image
    assert "<desc>Your seat, Edinburgh" in image and "<a " not in image
    assert page.count('<details class="marginals-region" open>') == 1  # its region unfolded
    assert page.count("You are here</text>") == 1
    by_code = client.get(f"/seats/map?seat={ALDERSHOT}").get_data(as_text=True)
    assert "<desc>Your seat, Aldershot" in _image(by_code, "marginals-map")
    unknown = client.get("/seats/map?postcode=nonsense&seat=NOPE").get_data(as_text=True)
    assert "You are here" not in unknown  # a bad postcode or code marks nothing


def test_the_seat_page_draws_the_seat_its_events_and_you_are_here(client, app):
    with app.test_request_context(), write_session() as session:
        start = utcnow() + timedelta(days=3)
        for title in ("Doors", "More doors"):
            session.add(
                Event(
                    type="canvass",
                    title=title,
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    postcode="GU11 1AA",
                    lat=51.25,
                    lon=-0.76,
                    seat_code=ALDERSHOT,
                    venue="Library",
                    status="approved",
                )  # fmt: skip
            )
    response = client.get(f"/seats/{ALDERSHOT}")
    page = response.get_data(as_text=True)
    image = _image(page, "place-map")
    assert 'role="img"' in image and '<title id="place-map-title">Map of Aldershot' in image
    assert 'fill="#e3ddcf"' in image and 'stroke="#7a2418"' in image  # the land, the seat's border
    assert "2 upcoming events" in image and ">2</text>" in image  # one place: one disc of 2
    assert "<a " not in image and "You are here" not in image
    assert page.index('href="#seat-events">Skip the map') < page.index('class="place-map"')
    assert len(response.data) < 100_000
    found = client.get("/seats?postcode=GU11+1AA").get_data(as_text=True)
    assert re.search(r'href="/seats/E\d+\?postcode=GU11\+1AA"', found)  # seat links keep it
    here = client.get(f"/seats/{ALDERSHOT}?postcode=GU11+1AA").get_data(as_text=True)
    assert "You are here</text>" in _image(here, "place-map")
    assert "marked &#39;you are here&#39;" in here
    far = client.get(f"/seats/{ALDERSHOT}?postcode=EH1+1YZ").get_data(as_text=True)
    assert "You are here" not in _image(far, "place-map")  # Edinburgh is not in view
