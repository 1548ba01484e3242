"""A supporter on a phone finds an event near their postcode and says they'll come."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "test_plugins"
PHONE_WIDTH = 390
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account


def _add_events(app: Any) -> None:
    from campaignkit.core.auth.accounts import create_user
    from campaignkit.core.events.service import create_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    day = (date.today() + timedelta(days=2)).isoformat()
    with app.test_request_context():
        create_user("sam@example.org", PASSWORD, "supporter", approved=True, verified=True)
        for title, postcode in (("Canvass Brixton", "SW9 8HE"), ("Canvass Leeds", "LS1 4AP")):
            form = {"type": "canvass", "title": title, "date": day, "start": "10:00",
                    "end": "13:00", "postcode": postcode, "capacity": "8", "venue": "Library",
                    "chat_url": "https://chat.whatsapp.com/AbCdEfGhIjKlMnOp12"}  # fmt: skip
            create_event(clean_event(form, event_types()), None)


def test_a_supporter_finds_and_rsvps_on_a_phone(
    phone: Any, make_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    geocoder = importlib.import_module("uk_districts")
    app, base = make_site(extra_plugins=[("uk_districts", geocoder)])
    _add_events(app)

    phone.goto(base + "/signin")
    phone.get_by_label("Email address").fill("sam@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    phone.get_by_label("Your postcode").fill("SW2 1AA")
    phone.get_by_label("Within (km)").select_option("10")
    phone.get_by_role("button", name="Find events").click()
    assert "1 event within 10 km of SW2 1AA" in phone.locator("h2").first.inner_text()
    assert phone.get_by_text("Canvass Leeds").count() == 0
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("link", name="Canvass Brixton").click()
    assert "8 of 8 left" in phone.locator(".event-facts").inner_text()
    phone.get_by_role("button", name="I'll be there").click()
    assert "You're going" in phone.locator(".flash-success").first.inner_text()
    assert "7 of 8 left" in phone.locator(".event-facts").inner_text()
    assert phone.get_by_role("link", name="Join the WhatsApp group").is_visible()
    assert page_width(phone) <= PHONE_WIDTH

    phone.goto(base + "/events?near=SW2&radius_km=10&view=map")
    assert phone.locator("svg.events-map circle").count() >= 2
    assert page_width(phone) <= PHONE_WIDTH
