"""On a phone, a supporter connects a (fake) X account, subscribes, and watches it reach 100%."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pagecheck import page_width

from campaignkit.testing import TEST_PASSWORD, edit_config

pytestmark = pytest.mark.browser

FAKES = Path(__file__).resolve().parents[1] / "plugins" / "blocklists"
PHONE_WIDTH = 390
CLIENT_ID = "browser-test-client"


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The blocklists plugin (share for the page furniture)."""
    return ["share", "blocklists"]


@pytest.fixture
def fake_x(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The fake X on 127.0.0.1, where the browser can reach its consent page."""
    monkeypatch.syspath_prepend(str(FAKES))
    from fake_x import serve

    with serve() as fake:
        fake.oauth.add_client(CLIENT_ID)
        yield fake
    sys.modules.pop("fake_x", None)


@pytest.fixture
def ck_instance(ck_instance: Path, fake_x: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The live instance, its X app pointing at the fake; credentials sealed with a test key."""
    from campaignkit.plugins.blocklists import vault

    monkeypatch.setenv(vault.KEYS_VARIABLE, vault.generate_key())
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake speaks plain http
    settings = {"x_client_id": CLIENT_ID, "x_api_url": fake_x.url,
                "x_authorize_url": f"{fake_x.url}/i/oauth2/authorize"}  # fmt: skip
    edit_config(ck_instance, **{"plugins.blocklists": settings})
    return ck_instance


def _add_list(app: Any, fake_x: Any) -> list[str]:
    """The list, with three accounts of the fake X on it; returns their ids."""
    from campaignkit.plugins.blocklists.entries import add_entry
    from campaignkit.plugins.blocklists.models import BlockList, now

    trolls = [fake_x.add_user(f"troll{n}") for n in range(3)]
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        block_list = BlockList(slug="trolls", title="Known trolls", purpose="Abusers.",
                               rules="Two reports.", private=False, created_at=now())  # fmt: skip
        session.add(block_list)
        session.flush()
        for troll in trolls:
            values = {"platform": "x", "account_id": troll.id, "handle": f"@{troll.username}",
                      "reason": "abuse", "evidence": ""}  # fmt: skip
            add_entry(session, block_list, values, None, False)
    return [troll.id for troll in trolls]


def test_a_supporter_connects_x_subscribes_and_sees_it_done_on_a_phone(
    phone: Any, app: Any, live_url: str, make_user: Any, fake_x: Any, immediate_jobs: Any
) -> None:
    trolls = _add_list(app, fake_x)
    make_user("fan@example.org")
    phone.goto(live_url + "/signin")
    phone.get_by_label("Email address").fill("fan@example.org")
    phone.get_by_label("Password").fill(TEST_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.goto(live_url + "/account/blocklists")
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("button", name="Connect X").click()  # X's consent, then back here
    phone.wait_for_url(f"{live_url}/account/blocklists")
    assert "X account @supporter is connected" in phone.locator(".flash-success").inner_text()
    assert page_width(phone) <= PHONE_WIDTH

    phone.goto(live_url + "/blocklists/trolls")
    form = phone.locator("#subscribe")
    assert form.get_by_label("Mute them").is_checked()
    assert form.get_by_label("Block them").count() == 0  # X: mute only, by default
    form.get_by_role("button", name="Subscribe @supporter").click()
    phone.wait_for_url(f"{live_url}/account/blocklists")
    assert "subscribed to “Known trolls”" in phone.locator(".flash-success").inner_text()
    assert phone.get_by_role("link", name="Known trolls").is_visible()
    assert page_width(phone) <= PHONE_WIDTH
    assert fake_x.calls_to("GET", "/2/users/me")  # the account was read with its new token

    phone.get_by_role("link", name="See the progress and what was done").click()
    assert phone.locator("#counts").inner_text() == "3 of 3 steps done (100%)."
    assert phone.locator("progress").get_attribute("value") == "100"
    assert (
        "Muted @troll0 because Known trolls lists this account"
        in phone.locator("#log").inner_text()
    )
    assert page_width(phone) <= PHONE_WIDTH
    assert sorted(fake_x.me.muting) == sorted(trolls)
