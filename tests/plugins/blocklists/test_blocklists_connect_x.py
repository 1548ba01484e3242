"""Connecting an X account: OAuth 2.0 with PKCE through tweepy, against the fake X over HTTP."""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from connect_helpers import flashed, follow_consent
from fake_x import serve

from campaignkit.plugins.blocklists.connect_x import SCOPES, refresh_x_tokens
from campaignkit.plugins.blocklists.credentials import unseal
from campaignkit.plugins.blocklists.platforms.base import AuthExpired
from campaignkit.plugins.blocklists.subscribers import Connection

CLIENT_ID = "ck-test-client"
CALLBACK = "http://127.0.0.1:5000/account/blocklists/x/callback"


@pytest.fixture
def fake_x():  # noqa: ANN201
    with serve() as fake:
        fake.oauth.add_client(CLIENT_ID)
        yield fake


@pytest.fixture
def blocklists_settings(fake_x) -> dict:  # noqa: ANN001
    return {"x_client_id": CLIENT_ID, "x_api_url": fake_x.url,
            "x_authorize_url": f"{fake_x.url}/i/oauth2/authorize"}  # fmt: skip


@pytest.fixture(autouse=True)
def _keys(vault_keys, oauth_over_http) -> None:  # noqa: ANN001
    """Every test here stores sealed credentials and talks OAuth to a local fake."""


def start(client, csrf_token):  # noqa: ANN001, ANN201
    return client.post("/account/blocklists/x/connect", data={"csrf_token": csrf_token(client)})


@pytest.mark.parametrize("secret", [None, "s3cret"], ids=["public", "confidential"])
def test_the_pkce_dance_connects_the_account(
    client,
    supporter,
    csrf_token,
    rows,
    fake_x,
    monkeypatch,
    secret,  # noqa: ANN001
):
    if secret:
        fake_x.oauth.add_client(CLIENT_ID, secret)
        monkeypatch.setenv("CAMPAIGNKIT_X_CLIENT_SECRET", secret)
    started = start(client, csrf_token)
    asked = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started.headers["Location"]).query))
    assert started.headers["Location"].startswith(f"{fake_x.url}/i/oauth2/authorize?")
    assert asked["redirect_uri"] == CALLBACK and asked["code_challenge_method"] == "S256"
    assert asked["scope"].split() == SCOPES and asked["client_id"] == CLIENT_ID
    answer, _ = follow_consent(client, started)
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/blocklists"
    (connection,) = rows(Connection)
    assert (connection.user_id, connection.platform) == (supporter.id, "x")
    assert (connection.account_id, connection.handle) == (fake_x.me.id, "@supporter")
    stored = unseal("x", connection.credentials)
    assert fake_x.tokens[stored["access_token"]] == fake_x.me.id
    assert stored["refresh_token"] in fake_x.oauth.refresh_tokens
    assert stored["access_token"] not in connection.credentials
    page = flashed(client)
    assert "X account @supporter is connected" in page and "Disconnect @supporter" in page
    policy = client.get("/account/blocklists").headers["Content-Security-Policy"]
    assert f"form-action 'self' {fake_x.url} https:" in policy  # the buttons may lead to X


def test_connecting_the_same_account_again_refreshes_it(client, supporter, csrf_token, rows):  # noqa: ANN001
    for _ in range(2):
        follow_consent(client, start(client, csrf_token))
    (connection,) = rows(Connection)
    assert connection.status == "connected"


def test_a_forged_or_missing_state_connects_nothing(client, supporter, csrf_token, rows):  # noqa: ANN001
    answer, _ = follow_consent(client, start(client, csrf_token), state="forged")
    assert answer.status_code == 303
    assert "did not start here" in flashed(client)
    # the right state cannot be replayed once the first answer used up the session's copy
    fresh = client.get("/account/blocklists/x/callback?state=x&code=y")
    assert fresh.status_code == 303 and "did not start here" in flashed(client)
    assert rows(Connection) == []


def test_denied_consent_connects_nothing(client, supporter, csrf_token, rows, fake_x):  # noqa: ANN001
    fake_x.oauth.deny = True
    answer, back = follow_consent(client, start(client, csrf_token))
    assert "error=access_denied" in back.query and answer.status_code == 303
    assert "did not give permission" in flashed(client)
    assert rows(Connection) == []


def test_a_refused_code_is_a_clear_message(client, supporter, csrf_token, rows):  # noqa: ANN001
    answer, _ = follow_consent(client, start(client, csrf_token), code="not-a-code")
    assert answer.status_code == 303
    assert "X did not accept the sign-in (invalid_request)" in flashed(client)
    assert rows(Connection) == []


def test_without_the_encryption_key_nothing_is_stored(
    client,
    supporter,
    csrf_token,
    rows,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.delenv("CAMPAIGNKIT_BLOCKLISTS_KEYS")
    answer, _ = follow_consent(client, start(client, csrf_token))
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/blocklists"
    page = flashed(client)
    assert "encryption key is missing" in page and "generate_key" not in page
    assert rows(Connection) == []


def test_connecting_needs_sign_in_and_csrf(app, client, supporter, rows):  # noqa: ANN001
    assert client.post("/account/blocklists/x/connect").status_code == 400
    anonymous = app.test_client().get("/account/blocklists/x/callback?state=a&code=b")
    assert anonymous.status_code in (302, 303) and "/signin" in anonymous.headers["Location"]


def test_the_fake_checks_the_pkce_verifier(fake_x):  # noqa: ANN001
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": CALLBACK,
              "state": "s", "scope": "users.read", "code_challenge": "abc",
              "code_challenge_method": "S256"}  # fmt: skip
    started = requests.get(
        f"{fake_x.url}/i/oauth2/authorize", params=params, allow_redirects=False, timeout=5
    )
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started.headers["Location"]).query))
    answer = requests.post(f"{fake_x.url}/2/oauth2/token", timeout=5, data={
        "grant_type": "authorization_code", "code": code["code"], "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK, "code_verifier": "wrong"})  # fmt: skip
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    assert "code verifier" in answer.json()["error_description"]


def test_refresh_gives_new_tokens_and_a_refused_refresh_is_auth_expired(
    app,
    client,
    supporter,
    csrf_token,
    rows,
    fake_x,  # noqa: ANN001
):
    follow_consent(client, start(client, csrf_token))
    (connection,) = rows(Connection)
    old = unseal("x", connection.credentials)
    with app.app_context():
        new = refresh_x_tokens(connection)
    assert new["access_token"] != old["access_token"] and fake_x.tokens[new["access_token"]]
    assert unseal("x", connection.credentials) == new
    assert old["refresh_token"] not in fake_x.oauth.refresh_tokens  # X rotates refresh tokens
    connection.credentials = rows(Connection)[0].credentials  # the old, used refresh token
    with app.app_context(), pytest.raises(AuthExpired):
        refresh_x_tokens(connection)
