"""Password reset and verification links: real mail, expiry, tampering, single use."""

from __future__ import annotations

import time
from unittest import mock
from urllib.parse import urlsplit

from itsdangerous import TimestampSigner
from sqlalchemy import select

from campaignkit.core.auth.models import User
from campaignkit.core.auth.tokens import RESET, VERIFY, make_link_token
from campaignkit.core.session import db_session

NEW_PASSWORD = "a fresh passphrase for the reset test"


def _user(app, email: str) -> User:  # noqa: ANN001
    with app.app_context():
        return db_session().scalar(select(User).where(User.email == email))


def _reset_form(client, csrf_token, path: str, password: str = NEW_PASSWORD):  # noqa: ANN001, ANN202
    data = {"password": password, "confirm_password": password, "csrf_token": csrf_token(client)}
    return client.post(path, data=data)


def test_reset_by_mail_ends_sessions_and_works_once(app, csrf_token, login, make_user, mailbox):  # noqa: ANN001
    user = make_user("member@example.org")
    elsewhere = app.test_client()
    login(elsewhere, user)
    client = app.test_client()
    unknown = {"email": "nobody@example.org", "csrf_token": csrf_token(client)}
    known = {"email": "member@example.org", "csrf_token": csrf_token(client)}
    first, second = client.post("/reset", data=unknown), client.post("/reset", data=known)
    assert first.status_code == second.status_code == 302 and first.location == second.location
    assert mailbox.to("nobody@example.org") == []
    path = urlsplit(mailbox.last_link("member@example.org")).path
    assert client.get(path).status_code == 200
    weak = _reset_form(client, csrf_token, path, "12345678")
    assert weak.status_code == 400 and "most common" in weak.get_data(as_text=True)
    assert _user(app, user.email).password_hash == user.password_hash

    done = _reset_form(client, csrf_token, path)
    assert done.status_code == 302 and urlsplit(done.location).path == "/account"
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302  # that session ended
    used = _reset_form(app.test_client(), csrf_token, path, "yet another long passphrase")
    assert used.status_code == 400 and "already been used" in used.get_data(as_text=True)
    login(app.test_client(), user, NEW_PASSWORD)


def test_expired_and_tampered_links_change_nothing(app, csrf_token, make_user):  # noqa: ANN001
    user = make_user("member@example.org", verified=False)
    two_hours_ago = int(time.time()) - 7200
    with app.test_request_context():
        fresh = make_link_token(user, RESET)
        with mock.patch.object(TimestampSigner, "get_timestamp", return_value=two_hours_ago):
            old_reset = make_link_token(user, RESET)
        with mock.patch.object(
            TimestampSigner, "get_timestamp", return_value=two_hours_ago - 72 * 3600
        ):
            old_verify = make_link_token(user, VERIFY)
    client = app.test_client()
    expired = _reset_form(client, csrf_token, f"/reset/{old_reset}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    tampered = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    bad = _reset_form(client, csrf_token, f"/reset/{tampered}")
    assert bad.status_code == 400 and "not valid" in bad.get_data(as_text=True)
    not_verify = client.get(f"/verify/{fresh}")  # a reset token is no verification token
    assert not_verify.status_code == 400
    late = client.get(f"/verify/{old_verify}")
    assert late.status_code == 400 and "expired" in late.get_data(as_text=True)
    after = _user(app, user.email)
    assert after.password_hash == user.password_hash and not after.email_verified
    assert after.session_version == user.session_version


def test_resend_verification_from_the_account_page(app, csrf_token, login, make_user, mailbox):  # noqa: ANN001
    user = make_user("member@example.org", verified=False)
    client = app.test_client()
    login(client, user)
    assert "not confirmed yet" in client.get("/account").get_data(as_text=True)
    client.post("/account/verify", data={"csrf_token": csrf_token(client)})
    client.get(urlsplit(mailbox.last_link(user.email)).path)
    assert "(confirmed)" in client.get("/account").get_data(as_text=True)
