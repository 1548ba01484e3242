"""The apply job on Mastodon (Mastodon.py) and Bluesky (atproto SDK) against their fakes."""

from __future__ import annotations

import pytest
from apply_helpers import add_entries, steps
from fake_bluesky import serve as serve_bluesky
from fake_mastodon import serve as serve_mastodon

from campaignkit.plugins.blocklists.applying import FINISHED, run_apply
from campaignkit.plugins.blocklists.ledger import DONE
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform
from campaignkit.plugins.blocklists.subscribers import Connection

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def mastodon():
    with serve_mastodon() as fake:
        yield fake


@pytest.fixture
def bluesky():
    with serve_bluesky() as fake:
        yield fake


@pytest.fixture
def blocklists_settings(mastodon) -> dict:  # noqa: ANN001
    return {"insecure_servers": [mastodon.url.removeprefix("http://")]}


def _apply(app, connection_id):  # noqa: ANN001, ANN202
    with app.app_context():
        return run_apply(connection_id)


def test_mastodon_entries_are_found_on_the_subscribers_server_and_blocked(
    app, mastodon, add_list, add_connection, rows
):  # noqa: ANN001
    me = mastodon.add_account("alice")
    trolls = [mastodon.add_account(f"troll{i}", "other.example") for i in range(3)]
    friend = mastodon.add_account("friend", "other.example")
    mastodon.follow(me, friend)
    listed = add_list("trolls")
    # Entries name accounts by their id on their home server, with the handle.
    accounts = [(f"9{i}@other.example", f"@troll{i}@other.example") for i in range(3)]
    add_entries(app, listed, "mastodon", [*accounts, ("77@other.example", "@friend@other.example")])
    server = mastodon.url.removeprefix("http://")
    token = mastodon.issue_token(me)
    connection_id = add_connection(
        "mastodon", me, {"access_token": token}, lists={listed.id: "block"}, server=server
    )

    outcome = _apply(app, connection_id)
    assert outcome.state == FINISHED and (outcome.done, outcome.total) == (3, 3)
    assert all(mastodon.has(mastodon.blocks, me, troll) for troll in trolls)
    assert not mastodon.has(mastodon.blocks, me, friend)
    assert {s.target_handle for s in steps(app, connection_id)} == {h for _, h in accounts}
    calls = len(mastodon.calls)
    assert _apply(app, connection_id).state == FINISHED
    assert len(mastodon.calls) == calls  # applied twice: no second call


def test_bluesky_dids_are_muted_and_a_refreshed_session_is_stored(
    app, bluesky, add_list, add_connection, rows
):  # noqa: ANN001
    me = bluesky.add_account("alice.bsky.social")
    trolls = [bluesky.add_account(f"troll{i}.bsky.social") for i in range(3)]
    session = BlueskyPlatform.connect(me.handle, me.password, service=bluesky.url).session_string
    listed = add_list("trolls")
    add_entries(app, listed, "bluesky", [(t.did, t.handle) for t in trolls[:2]])
    connection_id = add_connection(
        "bluesky", me.did, {"session": session}, lists={listed.id: "mute"}, server=bluesky.url
    )

    outcome = _apply(app, connection_id)
    assert outcome.state == FINISHED and outcome.done == 2
    assert all(s.state == DONE for s in steps(app, connection_id))
    (before,) = rows(Connection)

    bluesky.expire_access_tokens()  # the SDK refreshes the session; we store the new one
    add_entries(app, listed, "bluesky", [(trolls[2].did, trolls[2].handle)])
    assert _apply(app, connection_id).done == 3
    (after,) = rows(Connection)
    assert after.credentials != before.credentials
    with app.app_context():
        from campaignkit.plugins.blocklists.connecting_platform import platform_for

        assert platform_for(after).muted_ids() == {t.did for t in trolls}
