"""The handle refresh: listed accounts are asked for by id, renamed and gone ones shown as such."""

from __future__ import annotations

from datetime import UTC, datetime

import fake_bluesky
import fake_mastodon
import fake_x
import pytest
from sqlalchemy import select

from campaignkit.plugins.blocklists.applying import run_apply
from campaignkit.plugins.blocklists.handle_refresh import refresh_list
from campaignkit.plugins.blocklists.ledger import MastodonAccountId
from campaignkit.plugins.blocklists.lookup import Resolvers
from campaignkit.plugins.blocklists.lookup_jobs import run_refresh
from campaignkit.plugins.blocklists.models import AuditEvent, Entry
from campaignkit.plugins.blocklists.subscribers import Connection


@pytest.fixture
def x_fake():
    with fake_x.serve(limits={("GET", "users"): 1}) as running:  # one call per window
        yield running


@pytest.fixture
def bsky_fake():
    with fake_bluesky.serve() as running:
        yield running


@pytest.fixture
def masto_fake():
    with fake_mastodon.serve() as running:
        yield running


@pytest.fixture
def blocklists_settings(x_fake, bsky_fake, masto_fake) -> dict:  # noqa: ANN001
    return {"x_api_url": x_fake.url, "bluesky_appview": bsky_fake.url,
            "insecure_servers": [masto_fake.url.removeprefix("http://")]}  # fmt: skip


@pytest.fixture
def listed(app):  # noqa: ANN001
    """``listed(list_id, platform, [(account_id, handle), ...])``: live entries; their ids."""

    def add(list_id: int, platform: str, accounts: list[tuple[str, str]]) -> list[int]:
        stamp = datetime.now(UTC)
        with app.extensions["campaignkit"].database.write() as session:
            entries = [
                Entry(list_id=list_id, platform=platform, account_id=account_id, handle=handle,
                      reason="abuse", status="live", added_at=stamp, changed_at=stamp)
                for account_id, handle in accounts
            ]  # fmt: skip
            session.add_all(entries)
            session.flush()
            return [entry.id for entry in entries]

    return add


def _local_ids(app) -> list[tuple[str, str | None]]:  # noqa: ANN001
    """What the apply job found of listed Mastodon accounts on subscribers' servers."""
    with app.extensions["campaignkit"].database.new_session() as session:
        found = session.execute(select(MastodonAccountId.entry_key, MastodonAccountId.local_id))
        return [tuple(row) for row in found]


def _run_scheduled(huey) -> None:  # noqa: ANN001
    """Run the tasks scheduled for later now (as the consumer would at their time)."""
    tasks = huey.scheduled()
    huey.storage.flush_schedule()
    for task in tasks:
        huey.execute(task, timestamp=task.eta)


def test_a_renamed_account_shows_its_new_handle_once_the_refresh_has_run(
    client,
    maintainer,
    immediate_jobs,
    add_list,
    listed,
    rows,
    x_fake,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_X_BEARER_TOKEN", x_fake.token)
    troll = x_fake.add_user("old_name")
    block_list = add_list()
    listed(block_list.id, "x", [(troll.id, "@old_name")])
    troll.username = "new_name"  # renamed on X after it was listed
    page = client.get(f"/organise/blocklists/{block_list.id}").get_data(as_text=True)
    assert "@new_name" in page and "@old_name" not in page
    assert "@new_name" in client.get("/blocklists/trolls").get_data(as_text=True)
    (entry,) = rows(Entry)
    assert entry.handle == "@new_name" and entry.handle_checked_at is not None
    assert entry.account_state is None and entry.status == "live"
    (call,) = x_fake.calls_to("GET", "/2/users")  # checked once: the next pages ask nothing
    assert call.path == "/2/users" and call.params["ids"] == troll.id
    assert any("@old_name is now @new_name" in e.detail for e in rows(AuditEvent))


def test_suspended_deleted_and_renamed_accounts_on_each_platform(
    app,
    client,
    maintainer,
    add_list,
    listed,
    rows,
    x_fake,
    bsky_fake,
    masto_fake,  # noqa: ANN001
):
    block_list = add_list()
    gone_x, banned_x = x_fake.add_user("gone_x"), x_fake.add_user("banned_x")
    gone_x.deleted, banned_x.suspended = True, True
    listed(block_list.id, "x", [(gone_x.id, "@gone_x"), (banned_x.id, "@banned_x")])
    taken, quiet, renamed = (bsky_fake.add_account(f"{name}.bsky.social")
                             for name in ("taken", "quiet", "renamed"))  # fmt: skip
    bsky_fake.take_down(taken.did)
    bsky_fake.take_down(quiet.did, "deactivated")
    renamed.handle = "fresh.bsky.social"
    vanished = "did:plc:vanished00000000000000"
    listed(block_list.id, "bluesky", [(taken.did, "taken.bsky.social"),
                                      (quiet.did, "quiet.bsky.social"),
                                      (renamed.did, "renamed.bsky.social"),
                                      (vanished, "vanished.bsky.social")])  # fmt: skip
    masto = masto_fake
    nasty, banned, moved = (masto.add_account(n) for n in ("nasty", "banned", "moved"))
    masto.accounts[banned]["suspended"] = True
    masto.accounts[moved]["username"] = "elsewhere"
    listed(block_list.id, "mastodon", [
        (f"{nasty}@mastodon.test", "@nasty@mastodon.test"),
        (f"{banned}@mastodon.test", "@banned@mastodon.test"),
        (f"{moved}@mastodon.test", "@moved@mastodon.test"),
        ("42@mastodon.test", "@deleted@mastodon.test"),
    ])  # fmt: skip
    server = masto.url.removeprefix("http://")
    found_by = Resolvers(x_fake.url, x_fake.token, bsky_fake.url,
                         lambda name: masto.url if name == "mastodon.test" else "",
                         insecure_servers=(server,))  # fmt: skip
    with app.app_context():
        report = refresh_list(block_list.id, found_by, hours=24)
    assert masto.paths("GET")[-1] == "/api/v1/accounts/42"
    assert masto.calls[-1].status == 404 and "X-RateLimit-Remaining" in masto.calls[-1].headers
    assert (report.checked, report.renamed, report.gone) == (10, 2, 7), report.summary()
    states = {e.handle: e.account_state for e in rows(Entry)}
    assert states == {
        "@gone_x": "deleted", "@banned_x": "suspended",
        "taken.bsky.social": "suspended", "quiet.bsky.social": "deactivated",
        "fresh.bsky.social": None, "vanished.bsky.social": "deleted",
        "@nasty@mastodon.test": None, "@banned@mastodon.test": "suspended",
        "@elsewhere@mastodon.test": None, "@deleted@mastodon.test": "deleted",
    }  # fmt: skip
    assert {e.status for e in rows(Entry)} == {"live"}  # never dropped
    page = client.get(f"/organise/blocklists/{block_list.id}").get_data(as_text=True)
    assert "suspended on X" in page and "deleted or not found on Mastodon" in page
    assert "deactivated on Bluesky" in client.get("/blocklists/trolls").get_data(as_text=True)
    assert len(x_fake.calls_to("GET", "/2/users")) == 1  # nothing due any more: no new call


def test_a_rate_limit_is_waited_out_and_nothing_is_lost(
    client,
    maintainer,
    immediate_jobs,
    add_list,
    listed,
    rows,
    x_fake,
    monkeypatch,  # noqa: ANN001
):
    monkeypatch.setenv("CAMPAIGNKIT_X_BEARER_TOKEN", x_fake.token)
    users = [x_fake.add_user(f"troll_{i}") for i in range(150)]
    for user in users:
        user.username = user.username.replace("troll", "renamed")
    block_list = add_list()
    listed(block_list.id, "x", [(user.id, f"@troll_{i}") for i, user in enumerate(users)])
    url = f"/organise/blocklists/{block_list.id}"
    client.get(url)  # 100 ids in the window's one call; the headers say it is spent
    assert sum(e.handle_checked_at is not None for e in rows(Entry)) == 100
    assert len(immediate_jobs.scheduled()) == 1  # again at the reset X's headers gave
    client.get(url)  # queued already: no call before the reset
    assert len(x_fake.calls_to("GET", "/2/users")) == 1
    _run_scheduled(immediate_jobs)  # too early for the fake's clock: X answers 429
    assert [c.status for c in x_fake.calls_to("GET", "/2/users")] == [200, 429]
    assert sum(e.handle_checked_at is None for e in rows(Entry)) == 50
    assert len(immediate_jobs.scheduled()) == 1
    x_fake.clock.advance(901)  # past the reset X gave (whole seconds, rounded up)
    _run_scheduled(immediate_jobs)
    assert [c.status for c in x_fake.calls_to("GET", "/2/users")] == [200, 429, 200]
    assert all(e.handle.startswith("@renamed_") for e in rows(Entry))
    assert not immediate_jobs.scheduled()


def test_a_mastodon_account_not_found_on_a_subscribers_server_is_looked_up_again(
    app,
    add_list,
    add_connection,
    listed,
    rows,
    masto_fake,  # noqa: ANN001
):
    server = masto_fake.url.removeprefix("http://")
    me = masto_fake.add_account("alice")
    troll = masto_fake.add_account("troll", "other.example")
    block_list = add_list()
    key = f"{troll}@{server}"  # its id on its own server (here the same fake)
    listed(block_list.id, "mastodon", [(key, "@troll@other.example")])
    token = masto_fake.issue_token(me)
    connection_id = add_connection("mastodon", me, {"access_token": token},
                                   lists={block_list.id: "mute"}, server=server)  # fmt: skip
    with app.extensions["campaignkit"].database.write() as session:  # an earlier look found none
        session.add(MastodonAccountId(server=server, entry_key=key, local_id=None,
                                      checked_at=datetime(2026, 1, 1, tzinfo=UTC)))  # fmt: skip
    with app.app_context():
        run_apply(connection_id)
        run_apply(connection_id)
    assert not masto_fake.has(masto_fake.mutes, me, troll)  # kept as unknown until checked
    with app.app_context():
        assert run_refresh(block_list.id).checked == 1
    assert _local_ids(app) == [] and rows(Connection)[0].planned_at is None
    with app.app_context():
        run_apply(connection_id)
    assert masto_fake.has(masto_fake.mutes, me, troll)  # looked up again, and muted
    assert _local_ids(app) == [(key, troll)]


def test_a_mastodon_server_at_its_limit_waits_while_other_servers_are_checked(
    app,
    add_list,
    listed,
    rows,
    x_fake,
    bsky_fake,  # noqa: ANN001
):
    block_list = add_list()
    with fake_mastodon.serve(limit=1) as busy, fake_mastodon.serve() as calm:
        one, two, three = (
            busy.add_account("one"),
            busy.add_account("two"),
            calm.add_account("three"),
        )
        listed(block_list.id, "mastodon", [(f"{one}@busy.test", "@one@busy.test"),
                                           (f"{two}@busy.test", "@two@busy.test"),
                                           (f"{three}@calm.test", "@three@calm.test")])  # fmt: skip
        urls = {"busy.test": busy.url, "calm.test": calm.url}
        servers = tuple(url.removeprefix("http://") for url in urls.values())
        found_by = Resolvers(x_fake.url, x_fake.token, bsky_fake.url, urls.get,
                             insecure_servers=servers)  # fmt: skip
        with app.app_context():
            report = refresh_list(block_list.id, found_by, hours=24)
        assert len(busy.paths("GET")) == 1  # its headers said the window was spent: no 429
    assert report.checked == 2 and report.retry_at is not None
    assert "busy.test's rate limit was reached" in report.summary()
    checked = {e.handle: e.handle_checked_at is not None for e in rows(Entry)}
    assert checked == {"@one@busy.test": True, "@two@busy.test": False, "@three@calm.test": True}
