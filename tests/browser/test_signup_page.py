"""The sign-up form on a phone: the consent box starts unticked and must be ticked to join."""

from __future__ import annotations

from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
MIN_TARGET_PX = 24


def test_consent_box_on_a_phone(phone: Any, live_url: str) -> None:
    phone.goto(live_url + "/signup")
    box = phone.get_by_role("checkbox", name="I agree that Test campaign keeps")
    assert box.is_visible() and not box.is_checked()
    size = box.bounding_box()
    assert size["width"] >= MIN_TARGET_PX and size["height"] >= MIN_TARGET_PX, size
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("textbox", name="Email address").fill("phone@example.org")
    phone.locator("#password").fill("correct horse battery staple")
    phone.locator("#confirm_password").fill("correct horse battery staple")
    phone.get_by_role("button", name="Make my account").click()
    assert phone.url.endswith("/signup")  # the browser refuses: the box is required
    assert box.evaluate("el => el.validity.valueMissing")
    phone.get_by_text("I agree that Test campaign keeps").click()  # the words tick it too
    assert box.is_checked()
