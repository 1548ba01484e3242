"""Sign-up, email verification, sign-in, sign-out and sessions, through the real pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from campaignkit.core.auth.models import User
from campaignkit.core.session import db_session
from campaignkit.testing import TEST_PASSWORD

NEW_PASSWORD = "a much longer and brand new passphrase"


def _user(app, email: str) -> User:  # noqa: ANN001
    with app.app_context():
        return db_session().scalar(select(User).where(User.email == email))


def _signed_in_as(client) -> str | None:  # noqa: ANN001
    page = client.get("/account")
    if page.status_code != 200:
        return None
    text = page.get_data(as_text=True)
    return "ok" if "Your account" in text else None


def test_sign_up_confirm_and_sign_in(app, client, csrf_token, mailbox):  # noqa: ANN001
    data = {
        "email": "New.Person@Example.org",
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/signin"
    user = _user(app, "new.person@example.org")
    assert user is not None and user.role == "supporter" and not user.email_verified
    assert user.password_hash.startswith("$argon2id$")

    link = mailbox.last_link("new.person@example.org")
    assert "/verify/" in link
    confirmed = client.get(urlsplit(link).path)
    assert confirmed.status_code == 200 and "confirmed" in confirmed.get_data(as_text=True)
    assert _user(app, "new.person@example.org").email_verified
    again = client.get(urlsplit(link).path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)

    signin = {"email": "new.person@example.org", "password": TEST_PASSWORD}
    response = client.post("/signin", data={**signin, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert _signed_in_as(client)


def test_sign_up_with_a_taken_address_says_nothing_new(app, client, csrf_token, make_user, mailbox):  # noqa: ANN001
    make_user("taken@example.org")
    data = {
        "email": "taken@example.org",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 302 and urlsplit(response.location).path == "/signin"
    assert "already have one" in mailbox.to("taken@example.org")[-1].get_content()
    with app.app_context():
        assert len(db_session().scalars(select(User)).all()) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8 characters"),
        ("password1", "most common passwords"),
        ("iloveyou", "most common passwords"),
    ],
)
def test_sign_up_refuses_weak_passwords(app, client, csrf_token, password, message):  # noqa: ANN001
    data = {
        "email": "weak@example.org",
        "password": password,
        "confirm_password": password,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _user(app, "weak@example.org") is None


def test_wrong_password_is_refused_clearly(client, csrf_token, make_user):  # noqa: ANN001
    make_user("member@example.org")
    data = {"email": "member@example.org", "password": "not the password", "csrf_token": ""}
    data["csrf_token"] = csrf_token(client)
    response = client.post("/signin", data=data)
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)
    assert not _signed_in_as(client)
    unknown = client.post(
        "/signin", data={**data, "email": "nobody@example.org", "csrf_token": csrf_token(client)}
    )
    assert "do not match" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 3}])
def test_lockout_after_the_configured_failures(client, csrf_token, make_user):  # noqa: ANN001
    make_user("member@example.org")
    wrong = {"email": "member@example.org", "password": "not the password"}
    for _ in range(3):
        assert (
            client.post("/signin", data={**wrong, "csrf_token": csrf_token(client)}).status_code
            == 200
        )
    right = {"email": "member@example.org", "password": TEST_PASSWORD}
    locked = client.post("/signin", data={**right, "csrf_token": csrf_token(client)})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.get_data(as_text=True)
    assert not _signed_in_as(client)


def test_password_change_ends_every_other_session(app, csrf_token, login, make_user):  # noqa: ANN001
    user = make_user("member@example.org")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    data = {
        "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "csrf_token": csrf_token(laptop),
    }
    assert laptop.post("/account/password", data=data).status_code == 302
    assert _signed_in_as(laptop)
    assert not _signed_in_as(phone)
    assert phone.get("/account").status_code == 302
    login(phone, user, NEW_PASSWORD)


def test_wrong_current_password_changes_nothing(app, client, csrf_token, login, make_user):  # noqa: ANN001
    user = make_user("member@example.org")
    login(client, user)
    data = {
        "current_password": "not the password",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        "csrf_token": csrf_token(client),
    }
    client.post("/account/password", data=data)
    assert _user(app, user.email).password_hash == user.password_hash
    assert "was not right" in client.get("/account").get_data(as_text=True)


def test_sign_out_needs_a_post_and_ends_the_session(client, csrf_token, login, make_user):  # noqa: ANN001
    login(client, make_user())
    assert client.get("/signout").status_code == 200
    assert _signed_in_as(client)
    assert client.post("/signout", data={"csrf_token": csrf_token(client)}).status_code == 302
    assert not _signed_in_as(client)


def test_password_is_rehashed_when_settings_change(configure, make_app, make_user, login):  # noqa: ANN001
    user = make_user("member@example.org")
    old_hash = user.password_hash
    assert "m=8192,t=1,p=1" in old_hash
    configure(accounts={"argon2_time_cost": 2, "argon2_memory_kib": 9216})
    stronger = make_app()
    login(stronger.test_client(), user)
    new_hash = _user(stronger, user.email).password_hash
    assert new_hash != old_hash and "m=9216,t=2,p=1" in new_hash
    login(stronger.test_client(), user)


def test_navigation_follows_who_is_signed_in(make_app, make_user, login):  # noqa: ANN001
    from campaignkit import hookimpl
    from campaignkit.core import NavItem

    seen = []

    class Spy:
        @hookimpl
        def campaignkit_nav_items(self, user):
            seen.append(getattr(user, "email", user))
            return [NavItem("Spy", "/spy")]

    app = make_app(extra_plugins=[("spy", Spy())])
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert ">Sign in<" in page and ">Sign out<" not in page and seen[-1] is None
    login(client, make_user("organiser@example.org", "organiser"))
    page = client.get("/").get_data(as_text=True)
    assert ">Sign out<" in page and ">Members<" in page and ">Sign in<" not in page
    assert seen[-1] == "organiser@example.org"


@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures_per_address": 3}])
def test_lockout_per_address_across_accounts(client, csrf_token, make_user):  # noqa: ANN001
    make_user("member@example.org")
    for email in ["a@example.org", "b@example.org", "c@example.org"]:
        wrong = {"email": email, "password": "guess", "csrf_token": csrf_token(client)}
        assert client.post("/signin", data=wrong).status_code == 200
    right = {"email": "member@example.org", "password": TEST_PASSWORD}
    locked = client.post("/signin", data={**right, "csrf_token": csrf_token(client)})
    assert locked.status_code == 429
    elsewhere = {**right, "csrf_token": csrf_token(client)}
    other = client.post("/signin", data=elsewhere, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 302  # the account itself is not locked


@pytest.mark.parametrize(
    "accounts_settings", [{"signin_max_failures": 2, "signin_window_minutes": 5}]
)
def test_failures_older_than_the_window_stop_counting(app, client, csrf_token, make_user):  # noqa: ANN001
    from datetime import timedelta

    from campaignkit.core.auth.models import SigninFailure, utcnow
    from campaignkit.core.session import write_session

    make_user("member@example.org")
    wrong = {"email": "member@example.org", "password": "guess"}
    for _ in range(2):
        client.post("/signin", data={**wrong, "csrf_token": csrf_token(client)})
    right = {"email": "member@example.org", "password": TEST_PASSWORD}
    assert (
        client.post("/signin", data={**right, "csrf_token": csrf_token(client)}).status_code == 429
    )
    with app.app_context(), write_session() as session:
        for failure in session.scalars(select(SigninFailure)):
            failure.at = utcnow() - timedelta(minutes=6)
    assert (
        client.post("/signin", data={**right, "csrf_token": csrf_token(client)}).status_code == 302
    )
