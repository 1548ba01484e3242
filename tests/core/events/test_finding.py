"""Finding events near a postcode or a position: pages, JSON API and calendar files."""

from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
import pytest

from campaignkit.core.events.radius import bounding_box, haversine_km


def _some_events(add_event):  # noqa: ANN001, ANN202
    """Two near Westminster (one a phone bank next week), one in Manchester, one members-only."""
    later = (date.today() + timedelta(days=8)).isoformat()
    return {
        "near": add_event(title="Canvass Westminster"),
        "phonebank": add_event(title="Calls in Lambeth", type="phonebank", postcode="SE11",
                               date=later),
        "far": add_event(title="Canvass Manchester", postcode="M1 1AE"),
        "members": add_event(title="Members' briefing", postcode="SW1P", members_only="1"),
    }  # fmt: skip


def test_the_api_finds_events_near_a_postcode_by_type_and_dates(client, add_event):  # noqa: ANN001
    events = _some_events(add_event)
    found = client.get("/api/v1/events?near=SW1A 2AA&radius_km=10").get_json()
    titles = [e["title"] for e in found["events"]]
    assert titles == ["Canvass Westminster", "Calls in Lambeth"]  # nearest first
    assert found["events"][0]["distance_km"] < found["events"][1]["distance_km"]
    assert found["events"][0]["seat"]["name"] == "Cities of London and Westminster"
    assert found["total"] == 2

    only = client.get("/api/v1/events?near=SW1A&radius_km=10&type=phonebank").get_json()
    assert [e["id"] for e in only["events"]] == [events["phonebank"].id]
    soon = (date.today() + timedelta(days=3)).isoformat()
    window = client.get(f"/api/v1/events?near=SW1A&radius_km=10&to={soon}").get_json()
    assert [e["id"] for e in window["events"]] == [events["near"].id]
    by_position = client.get("/api/v1/events?lat=53.48&lon=-2.24&radius_km=5").get_json()
    assert [e["id"] for e in by_position["events"]] == [events["far"].id]


def test_bad_searches_get_a_clear_message(client, add_event):  # noqa: ANN001
    add_event()
    unknown = client.get("/api/v1/events?near=ZZ99 9ZZ")
    assert unknown.status_code == 400 and "could not find" in unknown.get_json()["error"]["message"]
    not_postcode = client.get("/api/v1/events?near=hello!").get_json()["error"]["message"]
    assert "not a UK postcode" in not_postcode
    assert client.get("/api/v1/events?lat=91&lon=0").status_code == 400
    assert client.get("/api/v1/events?type=rave").status_code == 400
    page = client.get("/events?near=ZZ99 9ZZ")
    assert page.status_code == 400 and "could not find" in page.get_data(as_text=True)


def test_list_calendar_and_map_views_paginate_and_hide_members_events(client, add_event):  # noqa: ANN001
    for number in range(23):
        add_event(title=f"Session {number:02d}")
    _some_events(add_event)
    first = client.get("/events?near=SW1A&radius_km=10").get_data(as_text=True)
    assert "25 events within 10 km of SW1A" in first and 'rel="next"' in first
    assert "Members&#39; briefing" not in first
    second = client.get("/events?near=SW1A&radius_km=10&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    calendar = client.get("/events?near=SW1A&radius_km=10&view=calendar").get_data(as_text=True)
    assert (date.today() + timedelta(days=1)).strftime("%A %-d %B %Y") in calendar
    svg = client.get("/events?near=SW1A&radius_km=10&view=map").get_data(as_text=True)
    image = svg.split("<svg", 1)[1].split("</svg>", 1)[0]
    dots = len(re.findall(r'r="[\d.]+" fill="#c0392b"/>', image))
    assert dots + sum(int(n) for n in re.findall(r'fill="#fff">(\d+)</text>', image)) == 25
    assert "<a " not in image and "You are here</text>" in image  # no links inside the image
    assert '<path d="M' in image and 'fill="#e3ddcf"' in image  # the land, from the kit
    assert len(svg.encode()) < 100_000
    assert "Map of 25 events within 10 km of SW1A" in image
    assert 'href="#events-map-list">Skip the map' in svg and 'id="events-map-list"' in svg
    assert svg.split('id="events-map-list"', 1)[1].count("event-item") == 20  # a page of them
    assert 'rel="next"' in svg


def test_event_and_feed_calendar_files_parse(client, add_event):  # noqa: ANN001
    events = _some_events(add_event)
    single = client.get(f"/events/{events['near'].id}.ics")
    assert single.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(single.data)
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Canvass Westminster"
    assert item.decoded("dtend") - item.decoded("dtstart") == timedelta(hours=3)
    assert "SW1A 1AA" in str(item["location"])
    feed = icalendar.Calendar.from_ical(client.get("/events/feed.ics").data)
    assert len(feed.walk("VEVENT")) == 3  # not the members-only one
    near = icalendar.Calendar.from_ical(client.get("/events/feed.ics?near=M1&radius_km=5").data)
    assert [str(e["summary"]) for e in near.walk("VEVENT")] == ["Canvass Manchester"]
    assert client.get(f"/events/{events['members'].id}.ics").status_code == 404


def test_bounding_box_holds_the_whole_circle():
    south, north, west, east = bounding_box(57.0, -4.0, 50)
    for lat, lon in ((south, -4.0), (north, -4.0), (57.0, west), (57.0, east)):
        assert haversine_km(57.0, -4.0, lat, lon) >= 49.9


def test_a_kit_adds_event_types(app, client, add_event, instance):  # noqa: ANN001
    from campaignkit.core.kits import load_kit

    kit_dir = instance / "my-kit"
    kit_dir.mkdir()
    (kit_dir / "kit.toml").write_text(
        '[kit]\nname = "mine"\ntitle = "Mine"\n\n[events.types]\nleaflet = "Leafleting"\n',
        encoding="utf-8",
    )
    kit = load_kit(str(kit_dir))
    assert kit.events == {"types": {"leaflet": "Leafleting"}}
    state = app.extensions["campaignkit"]
    object.__setattr__(state.instance, "kit", kit)
    add_event(type="leaflet", title="Leaflet drop")
    page = client.get("/events?type=leaflet").get_data(as_text=True)
    assert "Leaflet drop" in page and 'value="leaflet"' in page
    assert "Leafleting ·" in page  # the kit's label in the list


def test_a_list_near_a_postcode_comes_nearest_first_saying_how_far(client, add_event):  # noqa: ANN001
    add_event(title="Far and soon", postcode="SW9", date=_days_ahead(1))
    add_event(title="Near and later", postcode="SW1A 1AA", date=_days_ahead(5))
    page = client.get("/events?near=SW1A+1AA&radius_km=20").get_data(as_text=True)
    assert page.index("Near and later") < page.index("Far and soon")
    assert "0.0 km away" in page and " km away" in page.split("Far and soon", 1)[1]
    calendar = client.get("/events?near=SW1A+1AA&radius_km=20&view=calendar").text
    assert calendar.index("Far and soon") < calendar.index("Near and later")


def _days_ahead(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()


def test_a_search_near_a_position_pages_through_exactly_the_events_within_the_radius(app):  # noqa: ANN001
    import random
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from campaignkit.core.events.models import Event
    from campaignkit.core.events.queries import Search, find_events

    rng, now = random.Random(3), datetime.now(UTC)
    rows = []
    for number in range(80):
        start = now + timedelta(days=rng.randint(1, 20))
        rows.append(
            dict(type="canvass", title=f"E{number}", description="", starts_at=start,
                 ends_at=start + timedelta(hours=2), timezone="Europe/London", venue="Hall",
                 address="", postcode="X", lat=51.5 + rng.uniform(-0.2, 0.2),
                 lon=-0.12 + rng.uniform(-0.3, 0.3), capacity=None, going=0, members_only=False,
                 accessibility="", status="approved", moderation_note="", created_at=now,
                 updated_at=now)
        )  # fmt: skip
    database = app.extensions["campaignkit"].database
    with database.write() as session:
        session.execute(insert(Event), rows)
    with database.new_session() as session:
        stored = session.execute(Event.__table__.select()).all()
        within = sorted(
            (haversine_km(51.5, -0.12, row.lat, row.lon), row.starts_at, row.id)
            for row in stored
            if haversine_km(51.5, -0.12, row.lat, row.lon) <= 12
        )
        assert 10 < len(within) < 80
        search = Search(lat=51.5, lon=-0.12, radius_km=12, start=now, order="distance")
        seen, last = [], None
        for page in range(1, 20):
            found = find_events(session, search, page, 7)
            assert (found.total, found.pages) == (len(within), -(-len(within) // 7))
            if page > found.pages:  # past the last page: the last page again
                assert found.page == found.pages and found.events == last
                break
            last = found.events
            seen += [(distance, event.id) for event, distance in found.events]
        assert [event_id for _d, event_id in seen] == [item[2] for item in within]
        assert [d for d, _id in seen] == [pytest.approx(item[0], rel=1e-9) for item in within]
        by_date = find_events(session, Search(lat=51.5, lon=-0.12, radius_km=12, start=now), 1, 80)
        assert [e.id for e, _d in by_date.events] == [
            i for _d, _s, i in sorted(within, key=lambda w: (w[1], w[2]))
        ]


def _destination(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The position ``km`` along the great circle from (lat, lon) at ``bearing`` (degrees)."""
    import math

    arc, phi, lam, theta = km / 6371.0088, *map(math.radians, (lat, lon, bearing))
    phi2 = math.asin(
        math.sin(phi) * math.cos(arc) + math.cos(phi) * math.sin(arc) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(arc) * math.cos(phi),
        math.cos(arc) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.parametrize("lat", [0.0, 51.5, 64.0, 84.0])
def test_events_just_inside_the_radius_are_found_and_just_outside_are_not(app, lat):  # noqa: ANN001
    """Around the circle at every bearing, 0.01% in or out, at several latitudes and radii."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from campaignkit.core.events.models import Event
    from campaignkit.core.events.queries import Search, find_events

    now, radii = datetime.now(UTC), (1.0, 25.0, 200.0)
    start, planned, rows = now + timedelta(days=1), {}, []
    for radius in radii:
        for bearing in range(0, 360, 15):
            for factor in (0.9999, 1.0001):
                spot, title = (
                    _destination(lat, 10.0, radius * factor, bearing),
                    f"{radius}-{bearing}-{factor}",
                )
                planned[title] = radius * factor
                rows.append(
                    dict(type="canvass", title=title, description="", starts_at=start,
                         ends_at=start + timedelta(hours=2), timezone="UTC", venue="Hall",
                         address="", postcode="X", lat=spot[0], lon=spot[1], capacity=None,
                         going=0, members_only=False, accessibility="", status="approved",
                         moderation_note="", created_at=now, updated_at=now)
                )  # fmt: skip
    database = app.extensions["campaignkit"].database
    with database.write() as session:
        session.execute(insert(Event), rows)
    with database.new_session() as session:
        for radius in radii:
            for order in ("date", "distance"):
                search = Search(lat=lat, lon=10.0, radius_km=radius, start=now, order=order)
                found = find_events(session, search, 1, 1000)
                titles = {event.title for event, _distance in found.events}
                assert titles == {title for title, km in planned.items() if km <= radius}
                assert found.total == len(titles)
                assert all(d <= radius for _e, d in found.events)


def test_searches_see_an_edit_or_a_cancellation_at_once_and_an_rsvp_keeps_the_index(
    app,  # noqa: ANN001
    client,  # noqa: ANN001
    add_event,  # noqa: ANN001
):
    from campaignkit.core.changes import version
    from campaignkit.core.events.rsvp import take_rsvp
    from campaignkit.core.events.search_index import VERSION_NAME
    from campaignkit.core.events.service import cancel_event, form_values, update_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    def near(postcode: str) -> list[str]:
        found = client.get(f"/api/v1/events?near={postcode}&radius_km=10").get_json()
        return [e["title"] for e in found["events"]]

    event = add_event(title="Canvass Westminster")
    assert near("SW1A") == ["Canvass Westminster"] and near("M1") == []
    with app.test_request_context():
        searched = version(VERSION_NAME)
        take_rsvp(event.id, name="Ann", email="ann@example.org", consent=True)
        assert version(VERSION_NAME) == searched  # an RSVP changes nothing a search reads
    assert near("SW1A") == ["Canvass Westminster"]

    with app.test_request_context():
        values = form_values(event) | {"postcode": "M1 1AE"}
        update_event(event.id, clean_event(values, event_types()))
    assert near("SW1A") == [] and near("M1") == ["Canvass Westminster"]  # moved at once
    with app.test_request_context():
        cancel_event(event.id, "Rain")
    assert near("M1") == []


def test_while_versions_cannot_be_read_the_search_arrays_are_read_once_a_second(
    app,  # noqa: ANN001
    add_event,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
):
    import itertools

    from campaignkit.core.events import search_index

    add_event()
    made_up = itertools.count(-1, -1)  # what changes.version hands out while Redis is down
    monkeypatch.setattr(search_index, "version", lambda _name: next(made_up))
    with app.test_request_context():
        session = app.extensions["campaignkit"].database.new_session()
        first = search_index.search_index(session)
        assert search_index.search_index(session) is first  # not read on every search
        monkeypatch.setattr(search_index, "UNREADABLE_SECONDS", 0.0)
        assert search_index.search_index(session) is not first  # but read again after a second
        session.close()


def _statements(app):  # noqa: ANN001, ANN202
    """A list the app's SELECT statements are appended to (the listener stays on the engine)."""
    from sqlalchemy import event

    seen: list[str] = []

    def note(_connection, _cursor, statement: str, *_rest) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            seen.append(statement)

    event.listen(app.extensions["campaignkit"].database.engine, "before_cursor_execute", note)
    return seen


def test_the_api_list_shows_places_left_after_each_rsvp_at_once_reading_only_the_counts(
    app,  # noqa: ANN001
    client,  # noqa: ANN001
    add_event,  # noqa: ANN001
):
    from campaignkit.core.events.rsvp import take_rsvp, withdraw

    event = add_event(title="Canvass Westminster", capacity="3")
    add_event(title="Calls in Lambeth", postcode="SE11", capacity="")  # no limit: null

    def places() -> dict[str, int | None]:
        found = client.get("/api/v1/events?near=SW1A&radius_km=10").get_json()
        return {e["title"]: e["places_left"] for e in found["events"]}

    assert places() == {"Canvass Westminster": 3, "Calls in Lambeth": None}
    statements = _statements(app)
    assert places()["Canvass Westminster"] == 3 and statements == []  # all from memory
    with app.test_request_context():
        take_rsvp(event.id, name="Ann", email="ann@example.org", consent=True)
        take_rsvp(event.id, name="Bo", email="bo@example.org", consent=True)
    statements.clear()
    assert places()["Canvass Westminster"] == 1
    assert len(statements) == 1 and "going" in statements[0]  # the page's counts alone
    statements.clear()
    assert places()["Canvass Westminster"] == 1 and statements == []  # kept for this version
    with app.test_request_context():
        withdraw(event.id, "ann@example.org")
    assert places()["Canvass Westminster"] == 2


def test_while_versions_cannot_be_read_the_api_list_reads_the_counts_every_time(
    app,  # noqa: ANN001
    client,  # noqa: ANN001
    add_event,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
):
    import itertools

    from campaignkit.core.events import listing

    add_event(title="Canvass Westminster", capacity="5")
    made_up = itertools.count(-1, -1)  # what changes.version hands out while Redis is down
    monkeypatch.setattr(listing, "version", lambda _name: next(made_up))
    statements = _statements(app)
    for _ in range(2):
        statements.clear()
        found = client.get("/api/v1/events?near=SW1A&radius_km=10").get_json()
        assert [e["places_left"] for e in found["events"]] == [5]
        assert sum("going" in s and "ck_events.id IN" in s for s in statements) == 1


def test_after_an_edit_the_api_list_reads_only_the_events_changed_lately(
    app,  # noqa: ANN001
    client,  # noqa: ANN001
    add_event,  # noqa: ANN001
):
    from campaignkit.core.events.service import cancel_event, form_values, update_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    event = add_event(title="Canvass Westminster", capacity="4")
    other = add_event(title="Calls in Lambeth", postcode="SE11")

    def titles() -> list[str]:
        found = client.get("/api/v1/events?near=SW1A&radius_km=10").get_json()
        return [e["title"] for e in found["events"]]

    assert titles() == ["Canvass Westminster", "Calls in Lambeth"]
    statements = _statements(app)
    with app.test_request_context():
        values = form_values(event) | {"title": "Canvass Whitehall"}
        update_event(event.id, clean_event(values, event_types()))
    statements.clear()
    assert titles() == ["Canvass Whitehall", "Calls in Lambeth"]  # at once
    listed = [s for s in statements if "ck_events.description" in s]
    assert len(listed) == 1 and "updated_at >=" in listed[0]  # not every event again
    with app.test_request_context():
        cancel_event(other.id, "Rain")
    assert titles() == ["Canvass Whitehall"]
