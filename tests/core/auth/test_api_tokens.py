"""API tokens: made by organisers, stored hashed, shown once, scoped, revocable."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import select

from campaignkit import hookimpl
from campaignkit.core import current_user, signin_required
from campaignkit.core.auth.models import ApiToken
from campaignkit.core.session import db_session

SECRET = re.compile(r'value="(ck_[A-Za-z0-9_-]+)"')

me = Blueprint("me", __name__)


@me.get("/api/me")
@signin_required
def whoami():
    """A session-only API endpoint of a test plugin."""
    return jsonify(email=current_user.email)


class MePlugin:
    """Adds the session-only endpoint."""

    @hookimpl
    def campaignkit_blueprints(self):
        return [me]


@pytest.fixture
def demo_session_app(make_app):  # noqa: ANN001, ANN201
    """The app with a session-only API endpoint."""
    return make_app(extra_plugins=[("me", MePlugin())])


def _make_token(client, csrf_token, scopes: list[str], name: str = "reporting") -> str:  # noqa: ANN001
    data = {"name": name, "scopes": scopes, "days": "30", "csrf_token": csrf_token(client)}
    page = client.post("/organise/tokens", data=data)
    assert page.status_code == 200
    return SECRET.search(page.get_data(as_text=True)).group(1)


def test_token_is_shown_once_stored_hashed_and_works_as_bearer(app, csrf_token, login, make_user):  # noqa: ANN001
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    secret = _make_token(organiser, csrf_token, ["members.view"])
    assert secret not in organiser.get("/organise/tokens").get_data(as_text=True)
    with app.app_context():
        stored = db_session().scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.scopes == "members.view"

    api = app.test_client()
    answer = api.get("/api/members", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert [m["email"] for m in answer.json["members"]] == ["organiser@example.org"]
    with app.app_context():
        assert db_session().get(ApiToken, stored.id).last_used_at is not None


def test_bad_tokens_are_refused_with_401_and_never_fall_back_to_the_session(
    app, csrf_token, login, make_user
):  # noqa: ANN001
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    assert organiser.get("/api/members").status_code == 200  # the session works on its own
    forged = organiser.get("/api/members", headers={"Authorization": "Bearer ck_forged"})
    assert forged.status_code == 401 and forged.json["error"]["code"] == "unauthorized"
    anonymous = app.test_client().get("/api/members")
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["WWW-Authenticate"]


def test_scopes_and_revocation(app, csrf_token, login, make_user):  # noqa: ANN001
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    narrow = _make_token(organiser, csrf_token, ["invites.manage"], "invites only")
    wide = _make_token(organiser, csrf_token, ["members.view"], "members")
    api = app.test_client()
    assert api.get("/api/members", headers={"Authorization": f"Bearer {narrow}"}).status_code == 403
    # A role cannot hand out a scope it does not hold.
    refused = organiser.post(
        "/organise/tokens",
        data={"name": "roles", "scopes": ["members.roles"], "csrf_token": csrf_token(organiser)},
    )
    assert refused.status_code == 400
    with app.app_context():
        token_id = db_session().scalar(select(ApiToken.id).where(ApiToken.name == "members"))
    organiser.post(
        f"/organise/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(organiser)}
    )
    assert api.get("/api/members", headers={"Authorization": f"Bearer {wide}"}).status_code == 401


def test_token_loses_power_when_its_owner_loses_the_role(app, cli, csrf_token, login, make_user):  # noqa: ANN001
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    secret = _make_token(organiser, csrf_token, ["members.view"])
    assert cli("users", "set-role", "organiser@example.org", "volunteer").exit_code == 0
    answer = app.test_client().get("/api/members", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403


def test_supporters_cannot_make_tokens(app, csrf_token, login, make_user):  # noqa: ANN001
    client = app.test_client()
    login(client, make_user("supporter@example.org"))
    data = {"name": "mine", "scopes": ["members.view"], "csrf_token": csrf_token(client)}
    assert client.post("/organise/tokens", data=data).status_code == 403
    with app.app_context():
        assert db_session().scalars(select(ApiToken)).all() == []


def test_a_token_never_opens_session_only_pages(demo_session_app, csrf_token, login, make_user):  # noqa: ANN001
    app = demo_session_app
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    secret = _make_token(organiser, csrf_token, ["members.view"])
    assert organiser.get("/api/me").status_code == 200
    with_token = organiser.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert with_token.status_code == 403  # and the session cookie did not count either
    forged = organiser.get("/api/me", headers={"Authorization": "Bearer ck_forged"})
    assert forged.status_code == 401
