"""The events map: land in every view, every event in view (clustered), regions, "you are here"."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import campaignkit

DEMO = Path(campaignkit.__file__).parent / "kits" / "uk" / "data" / "demo_events.csv"
MAX_PAGE_BYTES = 100_000


@pytest.fixture
def many_events(app: Any) -> dict[str, int]:
    """An approved event at the centre of every seat's demo district (632 in Great Britain)
    and two more in Leeds; how many there are per region."""
    from campaignkit.core.auth.models import utcnow
    from campaignkit.core.events.models import Event
    from campaignkit.core.session import write_session

    with DEMO.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows += [dict(rows[0], lat="53.7997", lon="-1.5492", region="Yorkshire and The Humber")] * 2
    start = utcnow() + timedelta(days=2)
    per_region: dict[str, int] = {}
    with app.test_request_context(), write_session() as session:
        for row in rows:
            per_region[row["region"]] = per_region.get(row["region"], 0) + 1
            session.add(
                Event(
                    type="canvass",
                    title=f"Doors in {row['seat_name']}",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    postcode=row["district"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    seat_code=row["seat_code"],
                    seat_name=row["seat_name"],
                    venue="Library",
                    status="approved",
                )  # fmt: skip
            )
    return per_region


def _image(page: str) -> str:
    return page.split('<svg xmlns="http://www.w3.org/2000/svg"', 1)[1].split("</svg>", 1)[0]


def _marks(image: str) -> int:
    """How many events the map's marks stand for: a dot is one, a disc says its count."""
    dots = len(re.findall(r'<circle [^>]*r="[\d.]+" fill="#c0392b"/>', image))
    counts = [int(n) for n in re.findall(r'fill="#fff">(\d+)</text>', image)]
    return dots + sum(counts)


def test_the_national_map_shows_land_and_every_event_clustered(client, many_events):  # noqa: ANN001
    response = client.get("/events?view=map")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < MAX_PAGE_BYTES
    image = _image(page)
    assert '<path d="M' in image and 'fill="#e3ddcf"' in image  # the land, merged and simplified
    assert _marks(image) == 634 == sum(many_events.values())  # no "first 200": every event
    assert image.count('class="cluster"') < 200  # dense places are one mark each
    assert "<a " not in image and 'role="img"' in page and "<desc " in image
    assert "634 events" in page and "Map of 634 events across the whole map" in image
    assert 'href="#events-map-list">Skip the map' in page
    assert page.split('id="events-map-list"', 1)[1].count("event-item") == 20  # paged
    assert 'rel="next"' in page


def test_region_views_are_links_with_their_own_events(client, many_events):  # noqa: ANN001
    page = client.get("/events?view=map&near=LS1 4AP").get_data(as_text=True)
    links = re.findall(r'href="(/events\?[^"]*region=[^"]*)"', page)
    assert len(links) == 12 and all("near=LS1" in link for link in links)  # postcode carried
    wales = client.get("/events?view=map&region=wales&near=LS1 4AP")
    text = wales.get_data(as_text=True)
    image = _image(text)
    in_view = int(re.search(r"<h2>(\d+) events on the map of Wales</h2>", text).group(1))
    assert _marks(image) == in_view and many_events["Wales"] <= in_view < 634  # the box's
    assert "You are here" not in image  # Leeds is not in view
    assert '<path d="M' in image and len(wales.data) < MAX_PAGE_BYTES
    page = client.get("/events?view=map&region=yorkshire-and-the-humber&near=LS1 4AP")
    yorkshire = _image(page.get_data(as_text=True))
    assert _marks(yorkshire) >= many_events["Yorkshire and The Humber"]
    assert "You are here</text>" in yorkshire and "is marked &#39;you are here&#39;" in yorkshire
    unknown = client.get("/events?view=map&region=atlantis").get_data(as_text=True)
    assert "634 events" in unknown  # an unknown region is the whole map


def test_the_map_near_a_postcode_counts_what_the_list_counts(client, many_events):  # noqa: ANN001
    page = client.get("/events?view=map&near=LS1 4AP&radius_km=25").get_data(as_text=True)
    total = int(re.search(r"<h2>(\d+) events within", page).group(1))
    image = _image(page)
    assert total >= 3 and _marks(image) == total
    assert "You are here</text>" in image and '<path d="M' in image
    assert 'fill="none" stroke="#b9ae97"' in image  # zoomed in: the seats' borders too
    london = client.get("/events?view=map&region=london")
    assert len(london.data) < MAX_PAGE_BYTES and 'fill="none" stroke="#b9ae97"' in london.text
    national = _image(client.get("/events?view=map").get_data(as_text=True))
    assert 'fill="none" stroke="#b9ae97"' not in national  # too many seats to tell apart


@pytest.mark.parametrize("campaignkit_kit", ["us"])
def test_a_kit_without_boundaries_offers_its_states(client, app):  # noqa: ANN001
    from campaignkit.core.auth.models import utcnow
    from campaignkit.core.events.models import Event
    from campaignkit.core.session import write_session

    start = utcnow() + timedelta(days=2)
    with app.test_request_context(), write_session() as session:
        for lat, lon in ((37.77, -122.42), (34.05, -118.24), (40.71, -74.0)):  # SF, LA, NYC
            session.add(
                Event(
                    type="canvass",
                    title="Doors",
                    starts_at=start,
                    postcode="94103",
                    ends_at=start + timedelta(hours=2),
                    lat=lat,
                    lon=lon,
                    venue="Library",
                    status="approved",
                    timezone="America/Los_Angeles",
                )  # fmt: skip
            )
    page = client.get("/events?view=map").get_data(as_text=True)
    assert page.count("region=") >= 50 and "California</a>" in page
    california = client.get("/events?view=map&region=california")
    text = california.get_data(as_text=True)
    assert california.status_code == 200 and "2 events on the map of California" in text
    assert _marks(_image(text)) == 2 and len(california.data) < MAX_PAGE_BYTES
