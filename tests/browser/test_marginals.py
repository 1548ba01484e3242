"""A volunteer on a phone goes from a postcode to a seat, to an event there, to "You're going"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _add_event_in_top_seat(app: Any, postcode: str) -> str:
    from campaignkit.core.auth.models import utcnow
    from campaignkit.core.events.models import Event
    from campaignkit.core.events.notify import event_changed
    from campaignkit.core.session import write_session

    body = app.test_client().get(f"/api/v1/marginals/nearest?postcode={postcode}").get_json()
    top = body["seats"][0]
    with app.test_request_context():
        with write_session() as session:
            start = utcnow() + timedelta(days=2)
            event = Event(
                type="canvass",
                title="Doorstep Saturday",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                postcode=postcode,
                lat=body["query"]["lat"],
                lon=body["query"]["lon"],
                seat_code=top["code"],
                seat_name=top["name"],
                capacity=10,
                venue="Library",
                status="approved",
            )  # fmt: skip
            session.add(event)
        event_changed(event, "created")  # as the events service does after each change
    return top["name"]


def test_postcode_to_seat_to_rsvp_on_a_phone(phone: Any, app: Any, live_url: str) -> None:
    seat_name = _add_event_in_top_seat(app, "CF10 1EP")
    phone.goto(live_url + "/")
    phone.get_by_role("link", name="Find a seat").first.click()
    phone.get_by_label("Your postcode").fill("CF10 1EP")
    phone.get_by_label("Your postcode").press("Enter")
    phone.wait_for_url("**/seats?postcode=*")
    assert "1 event this week" in phone.locator(".marginals-answer").inner_text()
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("link", name=seat_name, exact=True).first.click()
    assert phone.locator("h1").inner_text() == seat_name
    phone.get_by_role("link", name="Doorstep Saturday").click()
    phone.get_by_label("Your name").fill("Rhian")
    phone.locator("#email").fill("rhian@example.org")
    phone.locator("#consent").check()
    phone.get_by_role("button", name="I'll be there").click()
    assert "You're going" in phone.locator(".flash-success").first.inner_text()
    assert page_width(phone) <= PHONE_WIDTH
