"""On a phone, a supporter connects a (fake) X account through OAuth and subscribes to a list."""

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


def _add_list(app: Any) -> None:
    from campaignkit.plugins.blocklists.models import BlockList, now

    with app.extensions["campaignkit"].database.write() as session:
        session.add(BlockList(slug="trolls", title="Known trolls", purpose="Abusers.",
                              rules="Two reports.", private=False, created_at=now()))  # fmt: skip


def test_a_supporter_connects_x_and_subscribes_on_a_phone(
    phone: Any, app: Any, live_url: str, make_user: Any, fake_x: Any
) -> None:
    _add_list(app)
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
