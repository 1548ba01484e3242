"""Subscribing, changing and unsubscribing; disconnecting; auto-rule choices; privacy."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.blocklists.credentials import seal
from campaignkit.plugins.blocklists.ledger import Step
from campaignkit.plugins.blocklists.models import now
from campaignkit.plugins.blocklists.subscribers import Connection, Subscription
from campaignkit.testing import edit_config

X_TOKENS = {"access_token": "at-secret", "refresh_token": "rt-secret", "expires_at": 1}


@pytest.fixture
def require_approval() -> bool:
    """Whether new accounts wait for an organiser's approval (parametrize to turn it on)."""
    return False


@pytest.fixture
def ck_instance(ck_instance, require_approval):  # noqa: ANN001, ANN201
    """The instance, with ``[accounts] require_approval`` as the test asks."""
    if require_approval:
        edit_config(ck_instance, accounts={"require_approval": True})
    return ck_instance


@pytest.fixture(autouse=True)
def _keys(vault_keys) -> None:  # noqa: ANN001
    """Connections are stored sealed."""


@pytest.fixture
def connect(app):  # noqa: ANN001, ANN201
    """``connect(user, platform="x", handle=...)``: store a connection; returns its id."""

    def add(user, platform: str = "x", handle: str = "@fan", **fields) -> int:  # noqa: ANN001
        credentials = {"x": X_TOKENS, "mastodon": {"access_token": "mt-secret"},
                       "bluesky": {"session": "bs-secret"}}[platform]  # fmt: skip
        with app.extensions["campaignkit"].database.write() as session:
            row = Connection(user_id=user.id, platform=platform, handle=handle,
                             account_id=fields.pop("account_id", "42"), created_at=now(),
                             credentials=seal(platform, credentials), **fields)  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    return add


def post(client, csrf_token, url: str, **form):  # noqa: ANN001, ANN201
    return client.post(url, data={**form, "csrf_token": csrf_token(client)})


def queued_apply_jobs(app) -> list[int]:  # noqa: ANN001
    """The connection ids whose apply job is waiting in the queue."""
    huey = app.extensions["campaignkit"].huey
    return [t.args[1] for t in huey.pending() if t.name.endswith("apply_blocklists")]


def test_subscribe_change_and_unsubscribe(
    app,
    client,
    supporter,
    csrf_token,
    add_list,
    connect,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    x = connect(supporter, "x", "@fan")
    masto = connect(supporter, "mastodon", "@fan@mastodon.example", server="mastodon.example")
    page = client.get("/blocklists/trolls").get_data(as_text=True)
    assert f'id="action-{x}-mute"' in page and f'id="action-{x}-block"' not in page
    assert f'id="action-{masto}-block"' in page and "can only mute" in page

    answer = post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x,
                  action="mute", mode="any")  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"] == "/account/blocklists"
    (subscription,) = rows(Subscription)
    assert (subscription.connection_id, subscription.list_id) == (x, block_list.id)
    assert (subscription.action, subscription.mode) == ("mute", "any")
    assert queued_apply_jobs(app) == [x]  # the job starts now, not at the next minute scan
    home = client.get("/account/blocklists").get_data(as_text=True)
    assert "is subscribed to “Known trolls”" in home and "Unsubscribe" in home

    blocked = post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x,
                   action="block", mode="any")  # fmt: skip
    assert blocked.status_code == 303 and rows(Subscription)[0].action == "mute"
    assert "can only be muted" in client.get("/account/blocklists").get_data(as_text=True)

    url = f"/account/blocklists/subscriptions/{subscription.id}"
    assert post(client, csrf_token, url, action="mute", mode="all").status_code == 303
    assert rows(Subscription)[0].mode == "all"
    assert post(client, csrf_token, url, action="mute", mode="some").status_code == 303
    assert rows(Subscription)[0].mode == "all"
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=masto, action="block")
    assert [s.action for s in rows(Subscription)] == ["mute", "block"]

    assert post(client, csrf_token, url + "/unsubscribe").status_code == 303
    assert [s.connection_id for s in rows(Subscription)] == [masto]


@pytest.mark.parametrize("blocklists_settings", [{"x_allow_block": True}])
def test_block_is_offered_on_x_when_the_instance_allows_it(
    client,
    supporter,
    csrf_token,
    add_list,
    connect,
    rows,
    blocklists_settings,  # noqa: ANN001
):
    add_list()
    x = connect(supporter, "x")
    assert f'id="action-{x}-block"' in client.get("/blocklists/trolls").get_data(as_text=True)
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x, action="block")
    assert rows(Subscription)[0].action == "block"


def test_another_supporters_connection_is_a_404(
    app,
    client,
    supporter,
    make_user,
    csrf_token,
    add_list,
    connect,
    rows,  # noqa: ANN001
):
    add_list()
    theirs = connect(make_user("other@example.org"), "x", "@other", account_id="7")
    mine = connect(supporter, "x")
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=mine)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Subscription(connection_id=theirs, list_id=rows(Subscription)[0].list_id,
                                 action="mute", created_at=now()))  # fmt: skip
    their_subscription = rows(Subscription)[1].id
    for url in [f"/account/blocklists/{theirs}/disconnect", f"/account/blocklists/{theirs}/"
                "auto-rules", f"/account/blocklists/subscriptions/{their_subscription}",
                f"/account/blocklists/subscriptions/{their_subscription}/unsubscribe"]:  # fmt: skip
        assert post(client, csrf_token, url, max_age_days=7, min_followers=1).status_code == 404
    subscribe = post(client, csrf_token, "/blocklists/trolls/subscribe", connection=theirs)
    assert subscribe.status_code == 404
    assert len(rows(Connection)) == 2 and len(rows(Subscription)) == 2
    assert "@other" not in client.get("/account/blocklists").get_data(as_text=True)


def test_disconnect_deletes_credentials_subscriptions_and_ledger(
    app,
    client,
    supporter,
    csrf_token,
    add_list,
    connect,
    rows,  # noqa: ANN001
):
    add_list()
    x = connect(supporter, "x", "@fan")
    kept = connect(supporter, "bluesky", "fan.bsky.social", account_id="did:plc:fan")
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Step(connection_id=x, verb="apply", action="mute", target_id="9",
                         reason="list", created_at=now()))  # fmt: skip
    answer = post(client, csrf_token, f"/account/blocklists/{x}/disconnect")
    assert answer.status_code == 303
    assert [c.id for c in rows(Connection)] == [kept]
    assert rows(Subscription) == [] and rows(Step) == []
    page = client.get("/account/blocklists").get_data(as_text=True)
    assert "X account @fan is disconnected" in page and "stay on that account" in page


def test_auto_rule_choices_are_checked_and_stored(client, supporter, csrf_token, connect, rows):  # noqa: ANN001
    x = connect(supporter, "x")
    url = f"/account/blocklists/{x}/auto-rules"
    bad_forms = [({"max_age_days": "0", "min_followers": "15"}, "between 1 and"),
                 ({"max_age_days": "seven", "min_followers": "1"}, "whole numbers"),
                 ({"max_age_days": "7", "min_followers": "-1"}, "between 0 and")]  # fmt: skip
    for bad, message in bad_forms:
        assert post(client, csrf_token, url, auto_rules="on", **bad).status_code == 303
        assert message in client.get("/account/blocklists").get_data(as_text=True)
        (stored,) = rows(Connection)
        assert (stored.auto_rules, stored.auto_max_age_days, stored.auto_min_followers) == (
            False, 7, 15)  # fmt: skip
    post(client, csrf_token, url, auto_rules="on", max_age_days="30", min_followers="50")
    (stored,) = rows(Connection)
    assert (stored.auto_rules, stored.auto_max_age_days, stored.auto_min_followers) == (
        True, 30, 50)  # fmt: skip
    post(client, csrf_token, url, max_age_days="30", min_followers="50")
    assert rows(Connection)[0].auto_rules is False


@pytest.mark.parametrize("require_approval", [True])
def test_a_private_lists_handles_show_to_its_subscribers(
    app,
    client,
    make_user,
    login,
    csrf_token,
    add_list,
    connect,
    require_approval,  # noqa: ANN001
):
    from campaignkit.plugins.blocklists.models import LIVE, Entry

    block_list = add_list(private=True)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Entry(list_id=block_list.id, platform="x", account_id="99",
                          handle="@hidden", reason="abuse", status=LIVE, added_at=now(),
                          changed_at=now()))  # fmt: skip
    newcomer = make_user("new@example.org", approved=False)
    login(client, newcomer)
    assert "@hidden" not in client.get("/blocklists/trolls").get_data(as_text=True)
    x = connect(newcomer, "x")
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x)
    assert "@hidden" in client.get("/blocklists/trolls").get_data(as_text=True)
    assert "@hidden" not in app.test_client().get("/blocklists/trolls").get_data(as_text=True)


def test_erasure_deletes_connections_and_export_never_holds_tokens(
    app,
    client,
    supporter,
    csrf_token,
    add_list,
    connect,
    rows,  # noqa: ANN001
):
    add_list()
    x = connect(supporter, "x", "@fan")
    post(client, csrf_token, "/blocklists/trolls/subscribe", connection=x, mode="all")
    with app.test_request_context():
        _subject, archive = export_person(supporter.email, supporter.id, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        raw = opened.read("blocklists.json").decode()
    data = json.loads(raw)
    (account,) = data["connected_accounts"]
    assert (account["platform"], account["handle"]) == ("x", "@fan") and account["connected_at"]
    (subscription,) = data["subscriptions"]
    assert (subscription["list"], subscription["mode"]) == ("trolls", "all")
    assert "secret" not in raw and "credentials" not in raw
    with app.test_request_context():
        erase_person(supporter.email, "cli")
    assert rows(Connection) == [] and rows(Subscription) == []
