"""An optional first name: given at sign-up, changed on the account page or by the command line,
exported with the account and erased with it."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from campaignkit.core.auth.models import User
from campaignkit.core.session import db_session
from campaignkit.testing import TEST_PASSWORD


def _names(app) -> dict[str, str]:  # noqa: ANN001
    with app.app_context():
        return dict(db_session().execute(select(User.email, User.name)).all())


def _signup(client, csrf_token, email: str, name: str):  # noqa: ANN001, ANN202
    data = {
        "email": email,
        "name": name,
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        "consent": "yes",
        "csrf_token": csrf_token(client),
    }
    return client.post("/signup", data=data)


def test_sign_up_with_a_name_cleaned_or_without_one(app, client, csrf_token):  # noqa: ANN001
    assert 'name="name"' in client.get("/signup").get_data(as_text=True)
    assert _signup(client, csrf_token, "sam@example.org", "  Sam\x00\n ").status_code == 302
    assert _signup(client, csrf_token, "anon@example.org", "").status_code == 302
    assert _names(app) == {"sam@example.org": "Sam", "anon@example.org": ""}


def test_a_bad_name_is_refused_at_sign_up_and_no_account_is_made(app, client, csrf_token):  # noqa: ANN001
    for name, message in (("x" * 61, "at most 60 characters"), ("me@example.org", "not an email")):
        response = _signup(client, csrf_token, "new@example.org", name)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page, name
        assert 'value="new@example.org"' in page  # what was typed is kept
    assert _names(app) == {}


def test_the_account_page_sets_and_clears_the_name(app, client, make_user, login, csrf_token):  # noqa: ANN001
    login(client, make_user("priya@example.org"))
    post = lambda name: client.post(  # noqa: E731
        "/account/name", data={"name": name, "csrf_token": csrf_token(client)}
    )
    assert post("Priya").status_code == 302
    assert 'value="Priya"' in client.get("/account").get_data(as_text=True)
    post("someone@example.org")
    assert "not an email address" in client.get("/account").get_data(as_text=True)
    assert _names(app) == {"priya@example.org": "Priya"}
    assert client.post("/account/name", data={"name": "Mallory"}).status_code == 400  # no CSRF
    post("   ")
    assert _names(app) == {"priya@example.org": ""}


def test_users_create_with_a_name_and_the_name_is_exported_then_erased(app, cli, login):  # noqa: ANN001
    created = cli(
        "users", "create", "jo@example.org", "--name", "Jo", "--password-stdin",
        input=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    too_long = cli("users", "create", "x@example.org", "--name", "x" * 61, "--generate-password")
    assert too_long.exit_code == 1 and "at most 60 characters" in too_long.output
    assert _names(app) == {"jo@example.org": "Jo"}
    client = app.test_client()
    login(client, "jo@example.org")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/data.zip").data))
    assert json.loads(archive.read("core.json"))["account"]["name"] == "Jo"
    assert cli("privacy", "erase", "jo@example.org", "--yes").exit_code == 0
    assert _names(app) == {}
