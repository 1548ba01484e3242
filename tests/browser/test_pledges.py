"""A supporter on a phone signs a pledge, confirms by the mailed link and sees the count go up."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _add_pledge(app: Any) -> None:
    from campaignkit.plugins.pledges.models import Pledge

    with app.extensions["campaignkit"].database.write() as session:
        session.add(Pledge(slug="buses", title="Buses for all", text="I will ride the bus.",
                           goal=10, status="open", signed_count=0, share_text="",
                           created_at=datetime.now(UTC)))  # fmt: skip


def _confirm_link(instance: Path) -> str:
    (path,) = sorted((instance / "outbox").glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    return re.search(r"https?://\S+", message.get_content()).group(0)


def test_a_supporter_signs_on_a_phone_and_sees_the_count_go_up(
    phone: Any, app: Any, live_url: str, instance: Path
) -> None:
    _add_pledge(app)
    phone.goto(f"{live_url}/pledges/buses")
    assert "0 signed · goal 10" in phone.locator("#pledge-count").inner_text()
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("#name").fill("Sam Supporter")
    phone.locator("#email").fill("sam@example.org")
    phone.locator("#postcode").fill("SW1A 1AA")
    phone.locator("#consent").check()
    phone.get_by_role("button", name="Sign").click()
    phone.wait_for_url("**/pledges/buses/thanks")
    assert "sent an email" in phone.locator("main").inner_text()

    phone.goto(_confirm_link(instance))
    assert "Press the button" in phone.locator("main").inner_text()  # opening confirms nothing
    phone.get_by_role("button", name="Confirm my signature").click()
    phone.wait_for_url("**/pledges/buses")
    assert "1 signed · goal 10" in phone.locator("#pledge-count").inner_text()
    assert "confirmed" in phone.locator("main").inner_text()
    assert phone.locator("progress").get_attribute("value") == "1"
