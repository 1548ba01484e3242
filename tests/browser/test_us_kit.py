"""On a US instance, a volunteer on a phone enters a ZIP, sees nearby districts with reasons and
events in miles, and RSVPs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _add_events(app: Any) -> None:
    from campaignkit.core.events.service import create_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    day = (date.today() + timedelta(days=2)).isoformat()
    with app.test_request_context():
        for title, zip_code in (("Midtown doors", "10022"), ("Mission doors", "94110")):
            form = {"type": "canvass", "title": title, "date": day, "start": "10:00",
                    "end": "13:00", "postcode": zip_code, "capacity": "8",
                    "venue": "Library"}  # fmt: skip
            create_event(clean_event(form, event_types()), None)


def test_zip_to_districts_to_events_in_miles_to_rsvp(phone: Any, make_site: Any) -> None:
    app, base = make_site(kit="us")
    _add_events(app)
    phone.goto(base + "/")
    phone.get_by_role("link", name="Find a seat").first.click()
    phone.get_by_label("Your ZIP code").fill("10001-2345")
    phone.get_by_label("Your ZIP code").press("Enter")
    phone.wait_for_url("**/seats?postcode=*")
    answer = phone.locator(".marginals-answer").inner_text().lower()
    assert "new york's" in answer and ("your seat" in answer or "miles away" in answer)
    phone.get_by_text("Other options near you").click()  # the other districts, folded below
    found = phone.locator(".marginals-list").inner_text()
    assert "No election results have been entered yet" in phone.content()
    assert "miles away" in found and " km away" not in found
    assert page_width(phone) <= PHONE_WIDTH

    phone.goto(base + "/events")
    phone.get_by_label("Your ZIP code").fill("10001")
    phone.get_by_label("Within (miles)").select_option("25")
    phone.get_by_role("button", name="Find events").click()
    assert "1 event within 25 miles of 10001" in phone.locator("h2").first.inner_text().lower()
    item = phone.locator(".event-item").first.inner_text()
    assert "Midtown doors" in item and " miles" in item and "10:00" in item
    assert phone.get_by_text("Mission doors").count() == 0
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("link", name="Midtown doors").click()
    assert "EST" in phone.locator(".event-facts").inner_text() or "EDT" in (
        phone.locator(".event-facts").inner_text()
    )
    phone.get_by_label("Your name").fill("Rosa")
    phone.locator("#email").fill("rosa@example.org")
    phone.locator("#consent").check()
    phone.get_by_role("button", name="I'll be there").click()
    assert "You're going" in phone.locator(".flash-success").first.inner_text()
    assert "7 of 8 left" in phone.locator(".event-facts").inner_text()
    assert page_width(phone) <= PHONE_WIDTH
