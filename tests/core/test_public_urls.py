"""Absolute links come from ``[server] public_url``, never from a forged Host header.

Every request here claims to be for ``evil.example`` (directly, or through a
trusted proxy's ``X-Forwarded-Host``); every link that leaves the site must
still start with the configured public URL. With ``allowed_hosts`` set, such a
request is refused outright.
"""

from __future__ import annotations

import os
import pty
import re
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner, Result
from flask import url_for

from campaignkit import hookimpl
from campaignkit.cli import main
from campaignkit.core import Place, public_url_for
from campaignkit.core.config import ConfigError
from campaignkit.core.urls import public_url_pattern
from campaignkit.testing import CSRF_FIELD, FAST_HASHING, INSTANCE_VARIABLES, edit_config

PUBLIC = "https://campaign.example.org/riverside"
#: A forged Host straight to the app, and one passed on by a trusted proxy.
FORGED = {
    "Host header": {"Host": "evil.example"},
    "X-Forwarded-Host": {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9"},
}


@pytest.fixture
def campaignkit_database_url() -> None:
    """SQLite only: link building does not touch the database."""
    return None


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The share plugin (for the home page's share box)."""
    return ["share"]


@pytest.fixture
def server_settings() -> dict:
    """Extra ``[server]`` settings for this test's instance."""
    return {}


@pytest.fixture
def ck_instance(ck_instance: Path, smtp_server, server_settings: dict) -> Path:  # noqa: ANN001
    """An instance at PUBLIC behind one trusted proxy, mailing the test SMTP server."""
    edit_config(
        ck_instance,
        mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False},
        accounts=FAST_HASHING,
        server={"public_url": PUBLIC, "trusted_proxy_hops": 1, **server_settings},
    )
    return ck_instance


class OnePlaceGeocoder:
    """A test-only geocoder: every postcode is in Westminster."""

    @hookimpl
    def campaignkit_geocode(self, query):  # noqa: ANN001, ANN201
        """The same place for any query."""
        return Place(query, query, 51.501, -0.142, "postcode")


@pytest.fixture
def ck_app(ck_make_app):  # noqa: ANN001, ANN201
    """The app with a geocoder, so events can be added."""
    return ck_make_app(extra_plugins=[("one_place", OnePlaceGeocoder())])


def _token(client, headers: dict) -> str:  # noqa: ANN001
    """A CSRF token for the client's session, asked for with the same (forged) headers."""
    return CSRF_FIELD.search(client.get("/signout", headers=headers).get_data(as_text=True))[1]


def _add_event(app) -> Any:  # noqa: ANN001
    from campaignkit.core.events.service import create_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    form = {
        "type": "canvass", "title": "Door knocking", "description": "Meet at the hall.",
        "date": (date.today() + timedelta(days=1)).isoformat(), "start": "10:00",
        "end": "13:00", "timezone": "Europe/London", "venue": "Church Hall",
        "address": "1 Example Street", "postcode": "SW1A 1AA", "capacity": "10",
    }  # fmt: skip
    with app.test_request_context():
        return create_event(clean_event(form, event_types()), None)


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_reset_mail_links_to_the_public_url(app, make_user, mailbox, headers):  # noqa: ANN001
    make_user("member@example.org")
    client = app.test_client()
    data = {"email": "member@example.org", "csrf_token": _token(client, headers)}
    assert client.post("/reset", data=data, headers=headers).status_code == 302
    (message,) = mailbox.to("member@example.org")
    links = _links(message.get_content())
    assert all(link.startswith(f"{PUBLIC}/") for link in links), links
    assert any(link.startswith(f"{PUBLIC}/reset/") for link in links), links


@pytest.mark.parametrize("headers", FORGED.values(), ids=FORGED.keys())
def test_rsvp_mail_withdraw_link_uses_the_public_url(app, mailbox, headers):  # noqa: ANN001
    event = _add_event(app)
    client = app.test_client()
    form = {"name": "Ann", "email": "ann@example.org", "consent": "yes"}
    form["csrf_token"] = _token(client, headers)
    assert client.post(f"/events/{event.id}/rsvp", data=form, headers=headers).status_code < 400
    (message,) = mailbox.to("ann@example.org")
    # Every link to the site uses the public URL (the map link goes to OpenStreetMap).
    links = [link for link in _links(message.get_content()) if "openstreetmap.org" not in link]
    assert all(link.startswith(f"{PUBLIC}/") for link in links), links
    assert any(link.startswith(f"{PUBLIC}/events/rsvp/") for link in links), links


def test_feeds_and_api_use_the_public_url(app):  # noqa: ANN001
    event = _add_event(app)
    client = app.test_client()
    for headers in FORGED.values():
        feed = icalendar.Calendar.from_ical(client.get("/events/feed.ics", headers=headers).data)
        (item,) = feed.walk("VEVENT")
        assert str(item["url"]) == f"{PUBLIC}/events/{event.id}"
        assert str(item["uid"]) == f"event-{event.id}@campaign.example.org"
        single = client.get(f"/events/{event.id}.ics", headers=headers).data
        assert b"evil.example" not in single
        (found,) = client.get("/api/v1/events", headers=headers).get_json()["events"]
        assert found["url"] == f"{PUBLIC}/events/{event.id}"
        assert found["ics"] == f"{PUBLIC}/events/{event.id}.ics"


def test_share_box_links_to_the_public_url(app):  # noqa: ANN001
    client = app.test_client()
    for headers in FORGED.values():
        home = client.get("/", headers=headers).get_data(as_text=True)
        assert "share-box" in home and "evil.example" not in home
        assert f'readonly value="{PUBLIC}/"' in home  # the copy-link field
        assert "url=https%3A%2F%2Fcampaign.example.org%2Friverside%2F" in home  # X, Telegram


def test_url_building_inside_and_outside_a_request(app):  # noqa: ANN001
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert url_for("core.home") == "/"  # links inside pages stay relative
        assert url_for("core.home", _external=True) == f"{PUBLIC}/"
        assert url_for("core.home", _external=True, _anchor="top") == f"{PUBLIC}/#top"
        assert public_url_for("events.detail", event_id=3, ref="a b") == (
            f"{PUBLIC}/events/3?ref=a+b"
        )
        page = public_url_pattern("events.detail", "event_id")  # built once, for long lists
        assert [page(3), page(41)] == [f"{PUBLIC}/events/3", f"{PUBLIC}/events/41"]
    with app.app_context():  # a job or a command: no request at all
        assert url_for("events.detail", event_id=3) == f"{PUBLIC}/events/3"
        assert public_url_for("core.home") == f"{PUBLIC}/"


@pytest.mark.parametrize(
    "server_settings", [{"allowed_hosts": ["campaign.example.org"]}], ids=["allowed_hosts"]
)
def test_unknown_hosts_get_400_when_allowed_hosts_is_set(app, mailbox, make_user, caplog):  # noqa: ANN001
    make_user("member@example.org")
    app.config["WTF_CSRF_ENABLED"] = False  # only the host check stands in the way
    client = app.test_client()
    ours = {"Host": "campaign.example.org"}
    assert client.get("/", headers=ours).status_code == 200
    for headers in FORGED.values():
        assert client.get("/", headers=headers).status_code == 400
        data = {"email": "member@example.org"}
        assert client.post("/reset", data=data, headers=headers).status_code == 400
    assert client.get("/", headers={"Host": "campaign.example.org:443"}).status_code == 200
    assert mailbox.to("member@example.org") == []
    assert "error page failed" not in caplog.text  # a plain 400, not a page that cannot link


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        ({"public_url": "campaign.example.org"}, "must start with http:// or https://"),
        ({"public_url": "https://campaign.example.org/?a=1"}, "only scheme, host, port and path"),
        ({"allowed_hosts": ["https://campaign.example.org"]}, "is not a host name"),
        ({"allowed_hosts": ["other.example.org"]}, "does not include the host of public_url"),
    ],
)
def test_bad_public_url_and_allowed_hosts_are_refused(make_app, instance, server, problem):  # noqa: ANN001
    edit_config(instance, server=server)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        make_app()


# ---------------------------------------------------------------- init and check


def _cli(*args: str, **kwargs: Any) -> Result:
    cleared: dict[str, str | None] = dict.fromkeys(INSTANCE_VARIABLES)
    return CliRunner().invoke(main, list(args), env=cleared, **kwargs)


def _server(folder: Path) -> dict:
    return tomllib.loads((folder / "campaign.toml").read_text("utf-8"))["server"]


def test_init_writes_the_public_url_and_matching_hosts(tmp_path: Path):
    made = _cli("init", str(tmp_path / "live"), "--public-url", "https://campaign.example.org/")
    assert made.exit_code == 0, made.output
    server = _server(tmp_path / "live")
    assert server["public_url"] == "https://campaign.example.org"
    assert server["allowed_hosts"] == ["campaign.example.org"]
    assert "WARNING" not in _cli("--instance", str(tmp_path / "live"), "check").output

    assert _cli("init", str(tmp_path / "demo")).exit_code == 0  # no terminal: the default
    assert _server(tmp_path / "demo") == {
        "public_url": "http://127.0.0.1:5000",
        "allowed_hosts": ["127.0.0.1", "localhost"],
        "trusted_proxy_hops": 0,
    }
    refused = _cli("init", str(tmp_path / "bad"), "--public-url", "campaign.example.org")
    assert refused.exit_code == 1 and "must start with http:// or https://" in refused.output
    assert not (tmp_path / "bad").exists()


def test_init_asks_for_the_public_url_at_a_terminal(tmp_path: Path, monkeypatch):  # noqa: ANN001
    for name in INSTANCE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    leader, follower = pty.openpty()
    os.write(leader, b"https://asked.example.org\n")  # typed before the question comes
    with os.fdopen(follower, "r") as terminal:
        monkeypatch.setattr(sys, "stdin", terminal)
        main(["init", str(tmp_path / "asked")], standalone_mode=False)
    os.close(leader)
    assert _server(tmp_path / "asked")["allowed_hosts"] == ["asked.example.org"]


def test_check_warns_when_a_public_site_accepts_any_host(instance: Path):
    edit_config(instance, server={"allowed_hosts": []})
    checked = _cli("--instance", str(instance), "check")
    assert f"WARNING  [server] allowed_hosts is not set: the site at {PUBLIC}" in checked.output
    assert 'allowed_hosts = ["campaign.example.org"]' in checked.output
    edit_config(instance, server={"allowed_hosts": ["campaign.example.org"]})
    assert "WARNING" not in _cli("--instance", str(instance), "check").output
    edit_config(instance, server={"public_url": "http://127.0.0.1:8000", "allowed_hosts": []})
    assert "WARNING" not in _cli("--instance", str(instance), "check").output  # a local demo
