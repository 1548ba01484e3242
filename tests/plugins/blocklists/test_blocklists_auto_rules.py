"""Auto rules: young or little-followed accounts that mention a subscriber are wanted muted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fake_x
import pytest

from campaignkit.plugins.blocklists import vault
from campaignkit.plugins.blocklists.auto_rules import run_auto_rules
from campaignkit.plugins.blocklists.credentials import seal
from campaignkit.plugins.blocklists.ledger import HandsOff
from campaignkit.plugins.blocklists.models import AutoTarget
from campaignkit.plugins.blocklists.subscribers import Connection


@pytest.fixture
def x_fake():
    with fake_x.serve() as running:
        yield running


@pytest.fixture
def blocklists_settings(x_fake) -> dict:  # noqa: ANN001
    return {"x_api_url": x_fake.url}


@pytest.fixture
def connect(app, x_fake, monkeypatch):  # noqa: ANN001
    """``connect(auto_rules=True)``: the fake's supporter as a connection; returns its id."""
    monkeypatch.setenv(vault.KEYS_VARIABLE, vault.generate_key())

    def add(auto_rules: bool = True) -> int:
        credentials = seal("x", {"access_token": x_fake.token, "refresh_token": "r",
                                 "expires_at": 0})  # fmt: skip
        with app.extensions["campaignkit"].database.write() as session:
            row = Connection(user_id=1, platform="x", account_id=x_fake.me.id, handle="@supporter",
                             credentials=credentials, auto_rules=auto_rules,
                             created_at=datetime.now(UTC))  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    return add


def test_young_and_few_follower_mentioners_are_wanted_unless_followed_or_muted(
    app,
    x_fake,
    connect,
    rows,  # noqa: ANN001
):
    young_day = datetime.now(UTC) - timedelta(days=2)
    young = x_fake.add_user("young", created_at=young_day, followers_count=500)
    lonely = x_fake.add_user("lonely", followers_count=3)
    friend = x_fake.add_user("friend", created_at=young_day, followers_count=1)
    muted = x_fake.add_user("muted", followers_count=1)
    spared = x_fake.add_user("spared", followers_count=1)
    popular = x_fake.add_user("popular", followers_count=900)
    x_fake.me.following = [friend.id]
    x_fake.me.muting = [muted.id]
    connection_id = connect()
    with app.extensions["campaignkit"].database.write() as session:
        session.add(HandsOff(connection_id=connection_id, target_id=spared.id,
                             at=datetime.now(UTC)))  # fmt: skip
    for author in (young, lonely, friend, muted, spared, popular):
        x_fake.mention(author, x_fake.me)
    with app.app_context():
        message = run_auto_rules()
    assert "2 new accounts to mute" in message
    wanted = {t.target_id: t for t in rows(AutoTarget)}
    assert set(wanted) == {young.id, lonely.id}
    assert "days old" in wanted[young.id].reason and "3 followers" in wanted[lonely.id].reason
    assert wanted[lonely.id].handle == "@lonely"
    since = rows(Connection)[0].auto_since_id
    assert since is not None

    newcomer = x_fake.add_user("newcomer", followers_count=0)
    x_fake.mention(newcomer, x_fake.me)
    x_fake.mention(lonely, x_fake.me)
    with app.app_context():
        assert "1 new accounts to mute" in run_auto_rules()
    assert {t.target_id for t in rows(AutoTarget)} == {young.id, lonely.id, newcomer.id}
    mentions = x_fake.calls_to("GET", "/mentions")
    assert mentions[-1].params.get("since_id") == since


def test_connections_without_auto_rules_are_not_read(app, x_fake, connect, rows):  # noqa: ANN001
    connect(auto_rules=False)
    x_fake.mention(x_fake.add_user("lonely", followers_count=1), x_fake.me)
    with app.app_context():
        assert "Checked 0 accounts" in run_auto_rules()
    assert rows(AutoTarget) == [] and x_fake.calls == []


def test_a_revoked_token_is_named_and_the_rest_carry_on(app, x_fake, connect, rows):  # noqa: ANN001
    connect()
    x_fake.revoke(x_fake.token)
    with app.app_context():
        message = run_auto_rules()
    assert "Skipped: connection" in message and rows(AutoTarget) == []
