"""Connecting Mastodon and Bluesky accounts, against the fake servers over real HTTP."""

from __future__ import annotations

import pytest
from connect_helpers import flashed, follow_consent
from fake_bluesky import serve as serve_bluesky
from fake_mastodon import serve as serve_mastodon

from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.credentials import unseal
from campaignkit.plugins.blocklists.subscribers import Connection, MastodonApp


@pytest.fixture
def mastodon():  # noqa: ANN201
    with serve_mastodon() as fake:
        yield fake


@pytest.fixture
def bluesky():  # noqa: ANN201
    with serve_bluesky() as fake:
        yield fake


@pytest.fixture
def blocklists_settings(mastodon, bluesky) -> dict:  # noqa: ANN001
    servers = [mastodon.url.removeprefix("http://"), bluesky.url.removeprefix("http://")]
    return {"insecure_servers": servers, "bluesky_service": bluesky.url}


@pytest.fixture(autouse=True)
def _keys(vault_keys) -> None:  # noqa: ANN001
    """Every test here stores sealed credentials."""


def connect_mastodon(client, csrf_token, server: str):  # noqa: ANN001, ANN201
    form = {"server": server, "csrf_token": csrf_token(client)}
    return client.post("/account/blocklists/mastodon/connect", data=form)


def test_two_supporters_on_one_server_share_one_app_registration(
    app,
    client,
    supporter,
    make_user,
    login,
    csrf_token,
    rows,
    mastodon,  # noqa: ANN001
):
    server = mastodon.url.removeprefix("http://")
    alice, bob = mastodon.add_account("alice"), mastodon.add_account("bob")
    mastodon.signed_in = alice
    answer, back = follow_consent(client, connect_mastodon(client, csrf_token, server))
    assert answer.status_code == 303 and back.path == "/account/blocklists/mastodon/callback"
    assert f"Mastodon account @alice@{server.split(':')[0]} is connected" in flashed(client)

    other = app.test_client()
    login(other, make_user("second@example.org"))
    mastodon.signed_in = bob
    follow_consent(other, connect_mastodon(other, csrf_token, f" http://{server}/ "))

    assert len(mastodon.apps) == 1  # registered once, for the first supporter
    first, second = rows(Connection)
    assert (first.account_id, first.server, second.account_id) == (alice, server, bob)
    assert (
        mastodon.tokens[unseal("mastodon", first.credentials)["access_token"]]["account"] == alice
    )
    with app.app_context():
        from campaignkit.core import db_session

        stored = db_session().get(MastodonApp, server)
        assert stored.client_id in mastodon.apps
        assert (
            vault.decrypt(stored.client_secret) == mastodon.apps[stored.client_id]["client_secret"]
        )
        assert stored.client_secret != mastodon.apps[stored.client_id]["client_secret"]


def test_a_forged_state_connects_nothing(client, supporter, csrf_token, rows, mastodon):  # noqa: ANN001
    mastodon.signed_in = mastodon.add_account("alice")
    server = mastodon.url.removeprefix("http://")
    follow_consent(client, connect_mastodon(client, csrf_token, server), state="forged")
    assert "did not start here" in flashed(client) and rows(Connection) == []


@pytest.mark.parametrize(
    ("server", "message"),
    [("localhost", "just your server&#39;s name"), ("mastodon.social/@me", "just your server"),
     ("127.0.0.1:9", "just your server"), ("internal.invalid", "could not be found")],
)  # fmt: skip
def test_unsafe_or_malformed_servers_are_refused_before_any_request(
    client,
    supporter,
    csrf_token,
    rows,
    mastodon,
    server,
    message,  # noqa: ANN001
):
    answer = connect_mastodon(client, csrf_token, server)
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/blocklists"
    assert message in flashed(client)
    assert rows(Connection) == [] and mastodon.calls == []


def test_bluesky_connect_keeps_the_session_and_never_the_password(
    client,
    supporter,
    csrf_token,
    rows,
    bluesky,  # noqa: ANN001
):
    account = bluesky.add_account("alex.bsky.social")
    form = {"handle": "@alex.bsky.social", "app_password": account.password,
            "csrf_token": csrf_token(client)}  # fmt: skip
    answer = client.post("/account/blocklists/bluesky", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    (connection,) = rows(Connection)
    assert (connection.platform, connection.account_id) == ("bluesky", account.did)
    assert connection.handle == "alex.bsky.social" and connection.server == bluesky.url
    stored = unseal("bluesky", connection.credentials)
    assert set(stored) == {"session"} and account.password not in vault.decrypt(
        connection.credentials
    )
    assert "Bluesky account alex.bsky.social is connected" in flashed(client)


@pytest.mark.parametrize(
    ("password", "message"),
    [("wxyz-wxyz-wxyz-wxyz", "did not accept this handle and app password"),
     ("my real password", "That is not an app password")],
)  # fmt: skip
def test_a_wrong_app_password_is_a_clear_message(
    client,
    supporter,
    csrf_token,
    rows,
    bluesky,
    password,
    message,  # noqa: ANN001
):
    bluesky.add_account("alex.bsky.social")
    form = {"handle": "alex.bsky.social", "app_password": password,
            "csrf_token": csrf_token(client)}  # fmt: skip
    answer = client.post("/account/blocklists/bluesky", data=form)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert 'value="alex.bsky.social"' in answer.get_data(as_text=True)
    assert password not in answer.get_data(as_text=True) and rows(Connection) == []


def test_the_bluesky_form_explains_app_passwords(client, supporter):  # noqa: ANN001
    page = client.get("/account/blocklists/bluesky").get_data(as_text=True)
    assert "https://bsky.app/settings/app-passwords" in page and "app password" in page


def test_connect_attempts_are_rate_limited(client, supporter, csrf_token, mastodon):  # noqa: ANN001
    statuses = {connect_mastodon(client, csrf_token, "localhost").status_code for _ in range(20)}
    assert statuses == {303}
    assert connect_mastodon(client, csrf_token, "localhost").status_code == 429
    form = {"handle": "a.bsky.social", "app_password": "x", "csrf_token": csrf_token(client)}
    assert client.post("/account/blocklists/bluesky", data=form).status_code == 400  # its own


@pytest.mark.parametrize("blocklists_settings", [{"connect_rate": "2 per hour"}])
def test_the_connect_rate_is_the_instances_setting(client, supporter, csrf_token):  # noqa: ANN001
    statuses = [connect_mastodon(client, csrf_token, "localhost").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]


def test_a_pds_on_a_private_address_is_refused_before_any_call_there(
    client,
    supporter,
    csrf_token,
    rows,
    bluesky,  # noqa: ANN001
):
    account = bluesky.add_account("sly.bsky.social", pds="http://169.254.169.254")
    form = {"handle": "sly.bsky.social", "app_password": account.password,
            "csrf_token": csrf_token(client)}  # fmt: skip
    answer = client.post("/account/blocklists/bluesky", data=form)
    assert answer.status_code == 400 and "not reachable safely" in answer.get_data(as_text=True)
    assert rows(Connection) == []
    assert bluesky.nsids() == ["com.atproto.server.createSession"]  # nothing after sign-in
