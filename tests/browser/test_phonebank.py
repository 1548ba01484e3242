"""A volunteer on a phone takes three calls from the phone bank and records their outcomes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width
from sqlalchemy import select

from campaignkit.testing import FAST_HASHING, TEST_PASSWORD, edit_config

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
CONTACTS = (
    "name,phone,postcode\n"
    "Ann Smith,07400 100001,SW1A 1AA\n"
    "Bob Jones,07400 100002,SW1A 1AA\n"
    "Cat Brown,07400 100003,SW1A 1AA\n"
)
ALL_DAY = {"calling_starts": "00:00", "calling_ends": "24:00"}


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's seats and the phone bank."""
    return ["share", "marginals", "phonebank"]


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The live instance: cheap password hashing, and calling hours all day (tests run any time)."""
    edit_config(ck_instance, accounts=FAST_HASHING, **{"plugins.phonebank": ALL_DAY})
    return ck_instance


def _start_campaign(app: Any) -> None:
    from campaignkit.plugins.phonebank.importing import import_contacts
    from campaignkit.plugins.phonebank.models import RUNNING, CallList, PhoneCampaign
    from campaignkit.plugins.phonebank.queue import fill_targets

    now = datetime.now(UTC)
    with app.test_request_context(), app.extensions["campaignkit"].database.write() as session:
        session.add(CallList(id=1, name="Members", lawful_basis="Consent", created_at=now))
        session.add(PhoneCampaign(id=1, list_id=1, title="Get out the vote", status=RUNNING,
                                  script="Hi {first_name}! Polls in {seat} are open until 10pm.",
                                  questions=[{"question": "Will you vote?",
                                              "options": ["Yes", "No"]}],
                                  created_at=now))  # fmt: skip
        session.flush()
        import_contacts(session, session.get(CallList, 1), CONTACTS.encode())
        fill_targets(session, list_id=1)


def _go(locator: Any) -> None:
    with locator.page.expect_navigation():
        locator.click()


def test_a_volunteer_takes_three_calls_on_a_phone(
    phone: Any, app: Any, live_url: str, make_user: Any
) -> None:
    from campaignkit.plugins.phonebank.models import Call

    _start_campaign(app)
    make_user("caller@example.org", role="volunteer")
    phone.goto(live_url + "/signin")
    phone.get_by_label("Email address").fill("caller@example.org")
    phone.get_by_label("Password").fill(TEST_PASSWORD)
    _go(phone.get_by_role("button", name="Sign in"))
    _go(phone.get_by_role("navigation", name="Main").get_by_role("link", name="Phone bank"))
    _go(phone.get_by_role("link", name="Get out the vote"))

    outcomes = [("Answered", "Yes"), ("No answer", None), ("Answered", "No")]
    dialled = []
    for number, (outcome, answer) in enumerate(outcomes, start=1):
        _go(phone.get_by_role("button", name="Next call"))
        dial = phone.locator("a.phonebank-dial")
        dialled.append(dial.get_attribute("href"))
        assert (
            "Polls in Cities of London and Westminster are open"
            in phone.locator("main").inner_text()
        )
        assert page_width(phone) <= PHONE_WIDTH
        phone.get_by_label(outcome, exact=True).check()
        if answer:
            phone.get_by_label(answer, exact=True).check()
        _go(phone.get_by_role("button", name="Save and finish this call"))
        main = phone.locator("main").inner_text()
        assert "call recorded" in main and f"Calls you have made: {number}" in main
        assert phone.locator("a[href^='tel:']").count() == 0  # the number is gone

    assert sorted(dialled) == ["tel:+447400100001", "tel:+447400100002", "tel:+447400100003"]
    with app.extensions["campaignkit"].database.new_session() as session:
        stored = list(session.execute(select(Call.outcome, Call.answers).order_by(Call.id)))
    assert stored == [("answered", {"0": "Yes"}), ("no_answer", {}), ("answered", {"0": "No"})]
