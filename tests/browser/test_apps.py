"""On a phone: the apps directory lists the kit's tools, a supporter submits an app, an organiser
approves it, and it is listed under its category."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width

from campaignkit.testing import FAST_HASHING, TEST_PASSWORD, edit_config

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The UK kit's seat finder (a tool of the kit's own) and the apps directory."""
    return ["share", "marginals", "apps"]


@pytest.fixture
def ck_instance(ck_instance: Path) -> Path:
    """The live instance, with cheap password hashing so signing in two people is quick."""
    edit_config(ck_instance, accounts=FAST_HASHING)
    return ck_instance


def _go(locator: Any) -> None:
    with locator.page.expect_navigation():
        locator.click()


def _signed_in(new_page: Callable[..., Any], live_url: str, email: str) -> Any:
    page = new_page()
    page.goto(live_url + "/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    _go(page.get_by_role("button", name="Sign in"))
    assert "/signin" not in page.url
    return page


def test_the_directory_lists_accepts_and_reviews_a_submission_on_a_phone(  # noqa: PLR0913
    phone: Any, new_page: Callable[..., Any], live_url: str, make_user: Any
) -> None:
    make_user("sam@example.org", role="supporter")
    make_user("org@example.org", role="organiser")
    phone.goto(live_url + "/apps")
    main = phone.locator("main")
    assert "Find a seat" in main.inner_text() and "No community apps yet" in main.inner_text()
    assert page_width(phone) <= PHONE_WIDTH

    supporter = _signed_in(new_page, live_url, "sam@example.org")
    supporter.goto(live_url + "/apps")
    _go(supporter.get_by_role("link", name="Submit your app"))
    supporter.get_by_label("App name").fill("Phone buddy")
    supporter.get_by_label("Link (https://…)").fill("javascript:alert(1)")
    supporter.get_by_label("Phonebank").check()
    supporter.locator("#url").evaluate("field => field.type = 'text'")  # past the browser's check
    _go(supporter.get_by_role("button", name="Submit for review"))
    assert "full https:// address" in supporter.locator("main").inner_text()
    supporter.get_by_label("Link (https://…)").fill("https://151.101.1.69/buddy")
    supporter.get_by_label("What it does").fill("Call voters together")
    _go(supporter.get_by_role("button", name="Submit for review"))
    assert "organisers will review" in supporter.locator("main").inner_text()
    assert page_width(supporter) <= PHONE_WIDTH

    organiser = _signed_in(new_page, live_url, "org@example.org")
    organiser.goto(live_url + "/organise/apps")
    assert "Phone buddy" in organiser.locator("main").inner_text()
    assert page_width(organiser) <= PHONE_WIDTH
    _go(organiser.get_by_role("button", name="Approve"))
    assert "Phone buddy: approved." in organiser.locator("main").inner_text()

    phone.goto(live_url + "/apps")
    _go(phone.get_by_role("navigation", name="Categories").get_by_role("link", name="Phonebank"))
    cards = phone.locator(".app-card")
    assert cards.count() == 1 and "Call voters together" in cards.first.inner_text()
    assert cards.first.get_by_role("link", name="Phone buddy").get_attribute("href") == (
        "https://151.101.1.69/buddy"
    )
    assert page_width(phone) <= PHONE_WIDTH
