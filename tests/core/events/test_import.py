"""``campaignkit events import`` and ``events demo``; the events migration matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from campaignkit.core.db import Model
from campaignkit.core.events.models import Event, EventHost

HEADER = "type,title,date,start,end,venue,postcode,capacity,chat_url,host_email\n"
EVENTS_TABLES = {"ck_events", "ck_event_hosts", "ck_event_rsvps", "ck_carpool_offers",
                 "ck_carpool_seats", "ck_event_settings", "ck_flags"}  # fmt: skip


def _events(app) -> list[Event]:  # noqa: ANN001
    with app.extensions["campaignkit"].database.new_session() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def test_a_good_file_is_imported_with_hosts(app, cli, make_user, tmp_path, monkeypatch, geocoder):  # noqa: ANN001
    monkeypatch.setattr("campaignkit.core.cli_support.create_app",
                        lambda path: app)  # fmt: skip
    make_user("host@example.org", "host")
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        HEADER
        + "canvass,Door knocking,2030-05-02,10:00,13:00,Hall,SW1A 1AA,12,,host@example.org\n"
        + "social,Pub quiz,2030-05-03,19:00,22:00,Hall,M1,,https://t.me/+AbCdEfGhIjKl,\n",
        encoding="utf-8",
    )
    result = cli("events", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert "Imported 2 events" in result.output
    door, quiz = _events(app)
    assert door.seat_name == "Cities of London and Westminster" and door.capacity == 12
    assert quiz.capacity is None and quiz.status == "approved"
    with app.extensions["campaignkit"].database.new_session() as session:
        assert session.scalar(select(func.count()).select_from(EventHost)) == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_saved(app, cli, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr("campaignkit.core.cli_support.create_app", lambda path: app)
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        HEADER
        + "canvass,Fine,2030-05-02,10:00,13:00,Hall,SW1A 1AA,12,,\n"
        + "canvass,Backwards,2030-05-02,13:00,10:00,Hall,SW1A 1AA,,,\n"
        + "canvass,Nowhere,2030-05-02,10:00,13:00,Hall,ZZ99 9ZZ,,,\n"
        + "canvass,Bad link,2030-05-02,10:00,13:00,Hall,SW1A,,https://example.org,\n"
        + "canvass,Nobody,2030-05-02,10:00,13:00,Hall,SW1A,,,ghost@example.org\n"
        + "canvass,Extra,2030-05-02,10:00,13:00,Hall,SW1A,,,,surplus\n",
        encoding="utf-8",
    )
    result = cli("events", "import", str(sheet))
    assert result.exit_code == 1
    for line, words in ((3, "end after it starts"), (4, "could not find"), (5, "invite link"),
                        (6, "No account"), (7, "more fields")):  # fmt: skip
        assert f"line {line}: " in result.output and words in result.output
    assert "line 2" not in result.output
    assert "5 of 6 rows have problems; nothing was saved" in result.output
    assert _events(app) == []
    (tmp_path / "wrong.csv").write_text("name,when\nx,y\n", encoding="utf-8")
    wrong = cli("events", "import", str(tmp_path / "wrong.csv"))
    assert wrong.exit_code == 1 and "Unknown columns: name, when" in wrong.output


def test_rows_without_a_venue_or_an_address_are_refused(app, cli, tmp_path, monkeypatch):  # noqa: ANN001
    """As on the host's form, a postcode alone does not tell people where to go."""
    monkeypatch.setattr("campaignkit.core.cli_support.create_app", lambda path: app)
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        "type,title,date,start,end,venue,address,postcode\n"
        + "canvass,Venue only,2030-05-02,10:00,13:00,Hall,,SW1A 1AA\n"
        + 'canvass,Address only,2030-05-02,10:00,13:00,,"1 Example Street",SW1A 1AA\n'
        + "canvass,Nowhere to meet,2030-05-02,10:00,13:00,,,SW1A 1AA\n"
        + "canvass,Blank place,2030-05-02,10:00,13:00,  ,\t,SW1A 1AA\n",
        encoding="utf-8",
    )
    refused = cli("events", "import", str(sheet))
    assert refused.exit_code == 1
    assert "line 2" not in refused.output and "line 3" not in refused.output
    for line in (4, 5):
        assert f"line {line}: Give the venue or its address" in refused.output
    assert "2 of 4 rows have problems; nothing was saved" in refused.output
    assert _events(app) == []


def test_types_by_label_and_past_events_only_when_allowed(app, cli, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr("campaignkit.core.cli_support.create_app", lambda path: app)
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        HEADER
        + "Canvassing,By label,2030-05-02,10:00,13:00,Hall,SW1A 1AA,,,\n"
        + "canvass,Last year,2020-05-02,10:00,13:00,Hall,SW1A 1AA,,,\n",
        encoding="utf-8",
    )
    refused = cli("events", "import", str(sheet))
    assert refused.exit_code == 1 and "line 2" not in refused.output
    assert "line 3: This event has already started" in refused.output
    assert "--allow-past" in refused.output and _events(app) == []
    allowed = cli("events", "import", "--allow-past", str(sheet))
    assert allowed.exit_code == 0, allowed.output
    assert [(e.title, e.type) for e in _events(app)] == [
        ("By label", "canvass"),
        ("Last year", "canvass"),
    ]


def test_demo_events_spread_over_great_britain(app, cli):  # noqa: ANN001
    assert cli("events", "demo", "--count", "300").exit_code == 0
    events = _events(app)
    assert len(events) == 300 and all(e.status == "approved" for e in events)
    assert min(e.lat for e in events) < 51 and max(e.lat for e in events) > 56.5
    assert len({e.seat_code for e in events}) > 200
    assert "already has events" in cli("events", "demo", "--if-empty").output


def test_the_events_migration_matches_the_models(app):  # noqa: ANN001
    engine = app.extensions["campaignkit"].database.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    assert [d for d in differences if EVENTS_TABLES & set(map(str, _names(d)))] == []


def _names(difference) -> set:  # noqa: ANN001
    parts = difference if isinstance(difference, list) else [difference]
    names = set()
    for part in parts:
        for item in part[1:]:
            names.add(
                getattr(getattr(item, "table", None), "name", None) or getattr(item, "name", item)
            )
    return names
