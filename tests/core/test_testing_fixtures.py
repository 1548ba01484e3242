"""campaignkit.testing, the fixtures plugin authors use: documented, prefixed, working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import campaignkit
from campaignkit import testing, testing_places
from campaignkit.core import GeocodeError, geocode

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = re.compile(r"^@pytest\.fixture(?:\([^)]*\))?\ndef (?P<name>\w+)\(", re.MULTILINE)
OVERRIDES = {"campaignkit_kit", "campaignkit_plugins", "campaignkit_database_url"}


def fixture_names() -> list[str]:
    """Every fixture campaignkit's pytest plugin defines."""
    names = []
    for module in (testing, testing_places):
        names += FIXTURE.findall(Path(module.__file__).read_text(encoding="utf-8"))
    return names


def test_every_fixture_is_prefixed_and_documented():
    names = fixture_names()
    assert {"ck_app", "ck_client", "ck_cli", "ck_geocoder", "ck_make_event"} <= set(names)
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in names:
        assert name.startswith("ck_") or name in OVERRIDES, f"{name} may clash: prefix it ck_"
        assert f"| `{name}` |" in doc or f"`{name}`" in doc, f"docs/plugins.md lacks {name}"


def test_ck_cli_migrates_like_init(ck_cli):
    result = ck_cli("check")
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output


class EventLog:
    """A listener plugin that records event changes."""

    def __init__(self) -> None:
        self.changes: list[tuple[str, str]] = []

    @campaignkit.hookimpl
    def campaignkit_event_changed(self, event, change):
        self.changes.append((event.title, change))


class TestPlacesAndEvents:
    """An instance with no built-in plugin: ck_geocoder gives places, ck_make_event events."""

    @pytest.fixture
    def campaignkit_plugins(self) -> list[str]:
        return []

    @pytest.fixture
    def event_log(self) -> EventLog:
        return EventLog()

    @pytest.fixture
    def ck_app(self, ck_make_app, ck_geocoder, event_log):  # noqa: ANN001, ANN201
        return ck_make_app(extra_plugins=[("places", ck_geocoder), ("log", event_log)])

    def test_ck_geocoder_knows_its_places_and_learns_more(self, ck_app, ck_geocoder):
        ck_geocoder.add("BS1 5TE", 51.4545, -2.5879, "E14001131", "Bristol Central")
        with ck_app.test_request_context():
            assert geocode("sw1a 1aa").seat.name == "Cities of London and Westminster"
            assert (geocode("bs15te").lat, geocode("BS1 5TE").seat.code) == (51.4545, "E14001131")
            with pytest.raises(GeocodeError, match="We could not find 'ZZ1 1ZZ'"):
                geocode("ZZ1 1ZZ")

    def test_ck_make_event_saves_an_approved_event_and_tells_listeners(
        self, ck_make_event, event_log
    ):
        event = ck_make_event(title="Leaflets in Clifton", capacity="8", lat=51.46, lon=-2.62)
        assert (event.title, event.capacity, event.status) == ("Leaflets in Clifton", 8, "approved")
        assert (event.lat, event.lon, event.postcode) == (51.46, -2.62, "SW1A 1AA")
        assert event_log.changes == [
            ("Leaflets in Clifton", "created"),
            ("Leaflets in Clifton", "approved"),
        ]


def test_test_instances_hash_passwords_cheaply(ck_make_user):
    user = ck_make_user("quick@example.org")
    assert user.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")


def test_signed_in_clients_have_their_role(ck_organiser, ck_volunteer, ck_signed_in):
    volunteer, supporter = ck_volunteer(), ck_signed_in("fan@example.org")
    assert (ck_organiser.user.email, ck_organiser.user.role) == ("org@example.org", "organiser")
    assert (volunteer.user.email, volunteer.user.role) == ("vol@example.org", "volunteer")
    assert supporter.user.role == "supporter"
    for client in (ck_organiser, volunteer, supporter):
        with client.session_transaction() as session:  # Flask-Login: "<user id>:<generation>"
            assert session.get("_user_id", "").split(":")[0] == str(client.user.id)
