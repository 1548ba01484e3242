"""Numbers, path ids and dates are parsed strictly: bad ones are a 400 or a 404, never a 500.

Every test runs on SQLite and PostgreSQL: an id beyond 2147483647 only
overflowed PostgreSQL's integer column, one beyond 2**63 SQLite's.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from campaignkit import hookimpl
from campaignkit.core import Place, SeatRef
from campaignkit.core.events.models import Event
from campaignkit.core.events.settings import set_setting
from campaignkit.testing import FAST_HASHING, edit_config

TOMORROW = (date.today() + timedelta(days=1)).isoformat()
TOO_BIG_FOR_INT4 = 2147483648
WINDOW = "between 2000-01-01 and 2100-12-31"
#: Not whole numbers written in ASCII digits, though ``isdigit()`` or ``int()`` take some.
BAD_NUMBERS = ("²", "١", "１٠", "1_0", "+1", "9" * 30)


class Westminster:
    """A geocoder that puts every postcode in Westminster."""

    @hookimpl
    def campaignkit_geocode(self, query: str) -> Place:
        seat = SeatRef("E14001172", "Cities of London and Westminster")
        return Place(query, query, 51.501, -0.142, "postcode", seat)


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """Only the share plugin: every postcode is in Westminster."""
    return ["share"]


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The test instance, hashing passwords quickly."""
    edit_config(ck_instance, accounts=FAST_HASHING)
    return ck_instance


@pytest.fixture
def ck_app(ck_make_app: Callable[..., Flask]) -> Flask:
    """The test app, every postcode in Westminster."""
    return ck_make_app(extra_plugins=[("westminster", Westminster())])


@pytest.fixture
def organiser(client, make_user, login):  # noqa: ANN001, ANN201
    """The test client, signed in as an organiser."""
    login(client, make_user("organiser@example.org", "organiser"))
    return client


def event_form(**changes: str) -> dict[str, str]:
    """The fields of a valid event form, changed as asked."""
    fields = {
        "type": "canvass", "title": "Door knocking", "date": TOMORROW, "start": "10:00",
        "end": "13:00", "timezone": "Europe/London", "postcode": "SW1A 1AA", "capacity": "10",
        "venue": "Church Hall",
    }  # fmt: skip
    return {**fields, **changes}


def _events(app: Flask) -> int:
    with app.extensions["campaignkit"].database.new_session() as session:
        return session.scalar(select(func.count()).select_from(Event))


def _store_event(app: Flask, starts_at: datetime, zone: str) -> int:
    """Store an event row directly, as an older version may have saved it."""
    with app.extensions["campaignkit"].database.write() as session:
        event = Event(
            type="canvass", title="Old event", starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2), timezone=zone, postcode="SW1A 1AA",
            lat=51.5, lon=-0.14, going=0, status="approved",
        )  # fmt: skip
        session.add(event)
        session.flush()
        return event.id


# -- numbers in query strings and forms -----------------------------------------------------


def test_page_numbers_are_ascii_digits_in_range(client):  # noqa: ANN001
    for bad in (*BAD_NUMBERS, "0", "-1"):
        for url, name in (("/events", "page"), ("/api/v1/events", "page"),
                          ("/api/v1/events", "per_page")):  # fmt: skip
            response = client.get(url, query_string={name: bad})
            assert response.status_code == 400, (url, name, bad)
            assert f"'{name}' must be a whole number" in html.unescape(response.text)
    assert client.get("/api/v1/events?per_page=101").status_code == 400
    for good in ("/events?page=2", "/events?page=", "/api/v1/events?page=1&per_page=100"):
        assert client.get(good).status_code == 200, good


def test_decimal_numbers_are_ascii_digits(client):  # noqa: ANN001
    for query in ("lat=５１&lon=0", "lat=51&lon=-٠", "lat=nan&lon=0", "lat=1e1&lon=0"):
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 400, query
        assert "must be a number between" in response.get_json()["error"]["message"], query
    assert client.get("/api/v1/events?lat=51.5&lon=-0.12").status_code == 200


def test_form_numbers_are_ascii_digits_in_range(app, organiser, csrf_token):  # noqa: ANN001
    for bad in BAD_NUMBERS:
        form = {**event_form(capacity=bad), "csrf_token": csrf_token(organiser)}
        response = organiser.post("/host/events/new", data=form)
        assert response.status_code == 400, bad
        assert "capacity must be a whole number" in response.get_data(as_text=True), bad
    assert _events(app) == 0
    form = {"trusted_after": "²", "csrf_token": csrf_token(organiser)}
    organiser.post("/organise/events/settings", data=form)
    assert "must be a whole number" in organiser.get("/organise/events/settings").text
    form = {**event_form(), "csrf_token": csrf_token(organiser)}
    assert organiser.post("/host/events/new", data=form).status_code == 303
    assert _events(app) == 1


def test_a_trust_threshold_saved_by_an_older_version_does_not_break_hosting(
    app,  # noqa: ANN001
    client,  # noqa: ANN001
    make_user,  # noqa: ANN001
    login,  # noqa: ANN001
    csrf_token,  # noqa: ANN001
):
    with app.test_request_context(), app.extensions["campaignkit"].database.write() as session:
        set_setting(session, "trusted_after", "²")
    login(client, make_user("host@example.org", "host"))
    form = {**event_form(), "csrf_token": csrf_token(client)}
    assert client.post("/host/events/new", data=form).status_code == 303
    assert _events(app) == 1


def test_invite_numbers_are_ascii_digits_in_range(client, make_user, login, csrf_token):  # noqa: ANN001
    login(client, make_user("admin@example.org", "admin"))
    for bad in BAD_NUMBERS:
        response = client.post("/organise/invites", data={"max_uses": bad, "csrf_token":
                                                          csrf_token(client)})  # fmt: skip
        assert response.status_code == 400, bad
        assert "'max_uses' must be a whole number" in html.unescape(response.text), bad


# -- ids and strings in paths ---------------------------------------------------------------


def test_ids_out_of_range_or_not_ascii_and_control_characters_in_paths_are_404(organiser):  # noqa: ANN001
    for path in (
        "/events/99999999999999999999",
        f"/events/{TOO_BIG_FOR_INT4}",
        f"/events/{TOO_BIG_FOR_INT4}.ics",
        f"/host/events/{TOO_BIG_FOR_INT4}/edit",
        f"/host/events/{TOO_BIG_FOR_INT4}/duplicate",
        f"/events/{TOO_BIG_FOR_INT4}/carpools/mine",
        "/events/0",
        "/events/１",
        "/events/١.ics",
        "/jobs/%00",
        "/jobs/a%0Ab",
        "/reset/%00abc",
        "/static/%00",
        "/static/css%01/x.css",
    ):
        assert organiser.get(path).status_code == 404, path


def test_ids_in_range_still_route_and_build(app, client):  # noqa: ANN001
    event_id = _store_event(app, datetime.now(UTC) + timedelta(days=1), "Europe/London")
    assert client.get(f"/events/{event_id}").status_code == 200
    assert client.get(f"/events/{event_id}.ics").status_code == 200
    with app.test_request_context():
        assert url_for("events.detail", event_id=2147483647) == "/events/2147483647"
    assert client.get("/events/2147483647").status_code == 404


# -- dates ----------------------------------------------------------------------------------


def test_search_dates_outside_the_window_are_refused(client):  # noqa: ANN001
    for query in ("to=9999-12-31", "from=0001-01-01", "from=9999-12-31", "to=２０３０-01-01"):
        for url in ("/events", "/events/feed.ics", "/api/v1/events"):
            response = client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query)
            assert "date" in response.text, (url, query)
    assert WINDOW in client.get("/api/v1/events?to=9999-12-31").get_json()["error"]["message"]
    assert client.get("/api/v1/events?from=2000-01-01&to=2100-12-31").status_code == 200


def test_events_are_dated_between_2000_and_2100_in_their_own_zone(app, organiser, csrf_token):  # noqa: ANN001
    event_id = _store_event(app, datetime.now(UTC) + timedelta(days=1), "Europe/London")
    for changes in (
        {"date": "0001-01-01", "timezone": "Pacific/Kiritimati"},
        {"date": "1999-12-31"},
        {"date": "2101-01-01"},
        {"end_date": "9999-12-31"},
    ):
        for url in ("/host/events/new", f"/host/events/{event_id}/edit"):
            form = {**event_form(**changes), "csrf_token": csrf_token(organiser)}
            response = organiser.post(url, data=form)
            assert response.status_code == 400, (url, changes)
            assert WINDOW in response.text, (url, changes)
    assert _events(app) == 1
    for day, zone in (("2000-01-01", "Pacific/Kiritimati"), ("2100-12-31", "Pacific/Pago_Pago")):
        form = {**event_form(date=day, timezone=zone), "csrf_token": csrf_token(organiser)}
        assert organiser.post("/host/events/new", data=form).status_code == 303, (day, zone)
    assert _events(app) == 3


def test_imported_events_are_dated_between_2000_and_2100(app, cli, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr("campaignkit.core.cli_support.create_app", lambda path: app)
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        "type,title,date,start,end,timezone,venue,postcode\n"
        "canvass,Fine,2030-05-02,10:00,13:00,Europe/London,Hall,SW1A 1AA\n"
        "canvass,Ancient,0001-01-01,10:00,13:00,Pacific/Kiritimati,Hall,SW1A 1AA\n",
        encoding="utf-8",
    )
    result = cli("events", "import", str(sheet))
    assert result.exit_code == 1
    assert "line 3: " in result.output and WINDOW in result.output
    assert "line 2" not in result.output and _events(app) == 0


def test_events_stored_at_the_ends_of_time_still_show(app, organiser):  # noqa: ANN001
    """Kiritimati was UTC-10:29 before 1901 and is UTC+14 now: both ends overflow."""
    for starts_at in (datetime(1, 1, 1, 10, tzinfo=UTC), datetime(9999, 12, 31, 12, tzinfo=UTC)):
        event_id = _store_event(app, starts_at, "Pacific/Kiritimati")
        for path in (
            f"/events/{event_id}",
            f"/events/{event_id}.ics",
            f"/host/events/{event_id}/edit",
            f"/host/events/{event_id}/duplicate",
        ):
            assert organiser.get(path).status_code == 200, (starts_at, path)
