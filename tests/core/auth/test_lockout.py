"""Sign-in throttling an attacker cannot aim at the owner, through the real pages.

Each browser is a test client with its own network address. Waiting is
simulated by moving the stored failures back in time.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from campaignkit.core.auth.devices import COOKIE
from campaignkit.core.auth.models import SigninFailure
from campaignkit.core.session import write_session
from campaignkit.testing import TEST_PASSWORD, free_port

OWNER = "owner@example.org"
NEW_PASSWORD = "a much longer and brand new passphrase"


def browser(app, address: str):  # noqa: ANN001, ANN201 - a FlaskClient
    """A new browser (no cookies) at a network address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, csrf_token, email: str, password: str) -> tuple[int, str]:  # noqa: ANN001
    """Post the sign-in form; the status and the page (or the redirect's target)."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    response = client.post("/signin", data=data)
    return response.status_code, response.location or response.get_data(as_text=True)


def sign_out(client, csrf_token) -> None:  # noqa: ANN001
    """End the browser's session (its cookies other than the session stay)."""
    assert client.post("/signout", data={"csrf_token": csrf_token(client)}).status_code == 302


def time_passes(app, seconds: int) -> None:  # noqa: ANN001
    """Move every stored failure ``seconds`` into the past."""
    with app.app_context(), write_session() as session:
        for failure in session.scalars(select(SigninFailure)):
            failure.at -= timedelta(seconds=seconds)


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 3}])
def test_an_attacker_at_one_address_is_stopped_and_the_owner_elsewhere_is_not(
    app, csrf_token, make_user
):  # noqa: ANN001
    make_user(OWNER)
    attacker = browser(app, "203.0.113.66")
    statuses = [sign_in(attacker, csrf_token, OWNER, f"guess {n}")[0] for n in range(8)]
    assert statuses == [200] * 3 + [429] * 5  # the password is not even checked any more
    status, page = sign_in(attacker, csrf_token, OWNER, TEST_PASSWORD)
    assert status == 429 and "Too many failed sign-in attempts from here" in page
    assert sign_in(browser(app, "203.0.113.66"), csrf_token, OWNER, TEST_PASSWORD)[0] == 429

    status, _ = sign_in(browser(app, "198.51.100.7"), csrf_token, OWNER, TEST_PASSWORD)
    assert status == 302  # the owner, at home, is not locked out


@pytest.mark.parametrize(
    "accounts_settings", [{"signin_max_failures": 2, "signin_backoff_seconds": 30}]
)
def test_each_failure_past_the_free_ones_doubles_the_wait(app, csrf_token, make_user):  # noqa: ANN001
    make_user(OWNER)
    attacker = browser(app, "203.0.113.66")
    for _ in range(2):
        assert sign_in(attacker, csrf_token, OWNER, "guess")[0] == 200
    for wait, then in [(30, "1 minute"), (60, "2 minutes"), (120, "4 minutes")]:
        status, page = sign_in(attacker, csrf_token, OWNER, "guess")
        assert status == 429 and f"Wait {wait if wait < 60 else wait // 60}" in page
        time_passes(app, wait - 5)
        assert sign_in(attacker, csrf_token, OWNER, "guess")[0] == 429  # not yet
        time_passes(app, 6)
        status, page = sign_in(attacker, csrf_token, OWNER, "guess")
        assert status == 200 and "do not match" in page  # tried, and counted
        status, page = sign_in(attacker, csrf_token, OWNER, TEST_PASSWORD)
        assert status == 429 and f"Wait {then}" in page


@pytest.mark.parametrize(
    "accounts_settings",
    [{"signin_max_failures": 2, "signin_max_failures_per_account": 4}],
)
def test_the_owner_gets_in_from_a_known_browser_or_a_reset_link_while_under_attack(
    app, csrf_token, make_user, mailbox
):  # noqa: ANN001
    owner, attacker_account = make_user(OWNER), make_user("attacker@example.org")
    laptop = browser(app, "198.51.100.7")
    assert sign_in(laptop, csrf_token, OWNER, TEST_PASSWORD)[0] == 302
    device_cookie = laptop.get_cookie(COOKIE)
    assert device_cookie.http_only and device_cookie.same_site == "Lax"
    sign_out(laptop, csrf_token)

    # The attacker's own known browser earns nothing at someone else's account.
    attacker = browser(app, "203.0.113.1")
    assert sign_in(attacker, csrf_token, attacker_account.email, TEST_PASSWORD)[0] == 302
    for address in ["203.0.113.1", "203.0.113.2"]:  # two places: four failures in all
        attacker.environ_base["REMOTE_ADDR"] = address
        assert [sign_in(attacker, csrf_token, OWNER, "guess")[0] for _ in range(3)] == [
            200,
            200,
            429,
        ]

    phone = browser(app, "198.51.100.8")
    status, page = sign_in(phone, csrf_token, OWNER, TEST_PASSWORD)
    assert status == 429 and "signed in with before" in page  # the account is shut to strangers
    assert sign_in(laptop, csrf_token, OWNER, "a typo")[0] == 200  # counted for the laptop only
    assert sign_in(laptop, csrf_token, OWNER, TEST_PASSWORD)[0] == 302

    reset = {"email": OWNER, "csrf_token": csrf_token(phone)}
    assert phone.post("/reset", data=reset).status_code == 302
    link = urlsplit(mailbox.last_link(owner.email)).path
    form = {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    done = phone.post(link, data={**form, "csrf_token": csrf_token(phone)})
    assert done.status_code == 302 and phone.get_cookie(COOKIE) is not None
    sign_out(phone, csrf_token)
    assert sign_in(phone, csrf_token, OWNER, NEW_PASSWORD)[0] == 302
    elsewhere = browser(app, "198.51.100.9")  # the reset also reopened the account
    assert sign_in(elsewhere, csrf_token, OWNER, NEW_PASSWORD)[0] == 302


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 1}])
def test_a_tampered_device_cookie_counts_for_nothing(app, csrf_token, make_user):  # noqa: ANN001
    make_user(OWNER)
    attacker = browser(app, "203.0.113.66")
    attacker.set_cookie(COOKIE, "eyJkIjoieCIsImEiOlsxXX0.forged.signature")
    assert sign_in(attacker, csrf_token, OWNER, "guess")[0] == 200
    assert sign_in(attacker, csrf_token, OWNER, "guess")[0] == 429


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 2}])
def test_an_ipv6_attacker_cannot_escape_by_changing_address_within_a_64(app, csrf_token, make_user):  # noqa: ANN001
    make_user(OWNER)
    for n in range(2):
        attacker = browser(app, f"2001:db8:0:7::{n + 1}")
        assert sign_in(attacker, csrf_token, OWNER, "guess")[0] == 200
    assert sign_in(browser(app, "2001:db8:0:7::ff"), csrf_token, OWNER, TEST_PASSWORD)[0] == 429
    assert sign_in(browser(app, "2001:db8:0:8::1"), csrf_token, OWNER, TEST_PASSWORD)[0] == 302


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 3}])
def test_while_redis_is_down_failures_are_counted_in_the_database(
    configure,
    make_app,
    csrf_token,
    make_user,  # noqa: ANN001
):
    make_user(OWNER)
    configure(campaign={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})  # nobody listens
    app = make_app()
    attacker = browser(app, "203.0.113.66")
    statuses = [sign_in(attacker, csrf_token, OWNER, f"guess {n}")[0] for n in range(5)]
    assert statuses == [200] * 3 + [429] * 2  # still throttled, not a server error
    status, _ = sign_in(browser(app, "198.51.100.7"), csrf_token, OWNER, TEST_PASSWORD)
    assert status == 302
