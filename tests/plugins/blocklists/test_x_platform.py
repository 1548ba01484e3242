"""The X adapter: real tweepy against a local server that speaks X's API v2 wire format."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from fake_x import serve

from campaignkit.plugins.blocklists.platforms.base import (
    BLOCK,
    MUTE,
    AuthExpired,
    RateLimit,
    RateLimited,
    TargetGone,
    Unavailable,
)
from campaignkit.plugins.blocklists.platforms.x import XPlatform


@pytest.fixture
def fake():
    """A fake X on a free localhost port, its clock at real speed (tests jump it ahead)."""
    with serve() as running:
        yield running


def _platform(fake, token: str | None = None, **options) -> XPlatform:
    return XPlatform(
        token or fake.token, base_url=fake.url, timeout=0.5, clock=fake.clock.time, **options
    )


def test_me_is_the_connected_account_and_its_rate_limit_is_recorded(fake):
    platform = _platform(fake)
    me = platform.me()
    assert (me.platform, me.account_id, me.handle) == ("x", fake.me.id, "@supporter")
    assert me.created_at == datetime(2015, 6, 1, tzinfo=UTC)
    assert me.followers_count == 120
    reset = fake.windows[(fake.me.id, "GET", "me")][0]
    assert platform.last_rate_limit == RateLimit(75, 74, reset)
    assert platform.rate_limits["GET /2/users/me"] == RateLimit(75, 74, reset)


def test_following_muted_and_blocked_are_read_across_every_page(fake):
    follows = [fake.add_user(f"friend{i}") for i in range(1203)]
    mutes = [fake.add_user(f"muted{i}") for i in range(1001)]
    fake.me.following = [user.id for user in follows]
    fake.me.muting = [user.id for user in mutes]
    fake.me.blocking = [follows[0].id, mutes[0].id]
    follows[1].suspended = True  # X leaves suspended and deleted accounts out of lists
    follows[2].deleted = True
    platform = _platform(fake)

    assert platform.following_ids() == {user.id for user in follows[3:]} | {follows[0].id}
    assert platform.muted_ids() == {user.id for user in mutes}
    assert platform.blocked_ids() == {follows[0].id, mutes[0].id}
    following_calls = fake.calls_to("GET", "/following")
    assert len(following_calls) == 2
    assert following_calls[0].params["max_results"] == "1000"
    assert "pagination_token" in following_calls[1].params
    assert len(fake.calls_to("GET", "/muting")) == 2
    assert platform.rate_limits["GET /2/users/:id/following"].remaining == 13


def test_mute_and_unmute_twice_are_harmless(fake):
    troll = fake.add_user("troll")
    platform = _platform(fake)
    platform.apply(MUTE, troll.id)
    platform.apply(MUTE, troll.id)
    assert fake.me.muting == [troll.id]
    platform.undo(MUTE, troll.id)
    platform.undo(MUTE, troll.id)
    assert fake.me.muting == []
    assert [c.status for c in fake.calls_to("POST", "/muting")] == [200, 200]
    assert [c.status for c in fake.calls_to("DELETE", "/muting/")] == [200, 200]
    assert platform.rate_limits["DELETE /2/users/:id/muting/:id"].remaining == 48


def test_lookup_handles_leaves_out_unknown_suspended_and_invalid_handles(fake):
    troll = fake.add_user("troll", followers_count=3)
    spammer = fake.add_user("Spammer")
    fake.add_user("banned").suspended = True
    platform = _platform(fake)

    found = platform.lookup_handles(["@troll", "spammer", "nobody_here", "bad handle!", "@banned"])

    assert {handle: account.account_id for handle, account in found.items()} == {
        "@troll": troll.id,
        "spammer": spammer.id,
    }
    assert found["@troll"].followers_count == 3
    assert found["spammer"].handle == "@Spammer"
    (call,) = fake.calls_to("GET", "/2/users/by")
    assert call.params["usernames"] == "troll,spammer,nobody_here,banned"


def test_lookup_handles_asks_100_at_a_time(fake):
    users = [fake.add_user(f"name{i}") for i in range(250)]
    found = _platform(fake).lookup_handles([user.username for user in users])
    assert len(found) == 250
    calls = fake.calls_to("GET", "/2/users/by")
    assert [len(call.params["usernames"].split(",")) for call in calls] == [100, 100, 50]


def test_the_51st_mute_in_a_window_is_rate_limited_and_changes_nothing(fake):
    targets = [fake.add_user(f"troll{i}") for i in range(51)]
    platform = _platform(fake)
    for target in targets[:50]:
        platform.apply(MUTE, target.id)
    assert platform.last_rate_limit.remaining == 0

    with pytest.raises(RateLimited) as raised:
        platform.apply(MUTE, targets[50].id)

    reset = fake.windows[(fake.me.id, "POST", "muting")][0]
    assert raised.value.retry_at == reset
    assert platform.last_rate_limit == RateLimit(50, 0, reset)
    assert targets[50].id not in fake.me.muting
    posts = fake.calls_to("POST", "/muting")
    assert len(posts) == 51  # tweepy did not retry or sleep
    assert posts[-1].status == 429

    fake.clock.advance(raised.value.retry_at - fake.clock.time())
    platform.apply(MUTE, targets[50].id)
    assert targets[50].id in fake.me.muting
    assert platform.last_rate_limit.remaining == 49


def test_a_compressed_clock_reopens_the_window_in_real_time():
    with serve(window_seconds=1.0) as fake:
        platform = _platform(fake)
        for _ in range(15):
            platform.muted_ids()
        with pytest.raises(RateLimited) as raised:
            platform.muted_ids()
        started = time.monotonic()
        fake.clock.sleep_until(raised.value.retry_at)
        assert platform.muted_ids() == set()
        assert time.monotonic() - started < 3.0  # one 1 s window, not X's 15 minutes
        assert platform.last_rate_limit.remaining == 14
        assert fake.window_usage(fake.me, "GET", "muting") == [15, 1]


def test_a_revoked_token_means_connect_again(fake):
    platform = _platform(fake)
    platform.me()
    fake.revoke(fake.token)
    with pytest.raises(AuthExpired, match="connect the account again"):
        platform.me()
    with pytest.raises(AuthExpired):
        _platform(fake).apply(MUTE, fake.add_user("troll").id)


def test_suspended_deleted_and_unknown_targets_are_gone(fake):
    suspended, deleted = fake.add_user("suspended"), fake.add_user("deleted")
    suspended.suspended, deleted.deleted = True, True
    platform = _platform(fake)
    with pytest.raises(TargetGone, match="suspended"):
        platform.apply(MUTE, suspended.id)
    with pytest.raises(TargetGone):
        platform.apply(MUTE, deleted.id)
    with pytest.raises(TargetGone):
        platform.undo(MUTE, "999999999")
    assert fake.me.muting == []


@pytest.mark.parametrize("failure", [{"status": 503}, {"status": 500}, {"timeout": True}])
def test_server_errors_and_timeouts_are_unavailable(fake, failure):
    troll = fake.add_user("troll")
    platform = _platform(fake)
    fake.fail_next(path="/muting", **failure)
    started = time.monotonic()
    with pytest.raises(Unavailable):
        platform.apply(MUTE, troll.id)
    assert time.monotonic() - started < 5.0  # the 0.5 s timeout worked; tweepy sets none
    assert fake.me.muting == []
    platform.apply(MUTE, troll.id)  # the same call later succeeds
    assert fake.me.muting == [troll.id]


def test_recent_mentioners_reads_only_what_is_new(fake):
    old, friend = fake.add_user("old_troll"), fake.add_user("friend")
    fake.mention(old, fake.me)
    fake.mention(friend, fake.me)
    fake.mention(friend, fake.add_user("someone_else"))  # not about us
    platform = _platform(fake)

    first, since_id = platform.recent_mentioners(None)
    assert {account.handle for account in first} == {"@old_troll", "@friend"}

    young = fake.add_user("young", created_at=datetime(2026, 11, 30, tzinfo=UTC))
    young.followers_count = 2
    for _ in range(101):  # more than one page of 100
        fake.mention(young, fake.me)
    fake.mention(fake.me, fake.me)  # talking to oneself is not a mention to act on
    later, newest = platform.recent_mentioners(since_id)
    assert [(a.handle, a.followers_count) for a in later] == [("@young", 2)]
    assert later[0].created_at == datetime(2026, 11, 30, tzinfo=UTC)
    assert int(newest) > int(since_id)
    calls = fake.calls_to("GET", "/mentions")
    assert [call.params.get("since_id") for call in calls] == [None, since_id, since_id]

    assert platform.recent_mentioners(newest) == ([], newest)


def test_blocking_is_offered_only_when_allowed(fake):
    troll = fake.add_user("troll")
    fake.me.following.append(troll.id)
    with pytest.raises(ValueError, match="may not block"):
        _platform(fake).apply(BLOCK, troll.id)
    assert fake.calls == []

    platform = _platform(fake, allow_block=True)
    assert platform.actions == {MUTE, BLOCK}
    platform.apply(BLOCK, troll.id)
    assert platform.blocked_ids() == {troll.id}
    assert troll.id not in fake.me.following  # X ends a follow when you block
    assert platform.rate_limits["POST /1.1/blocks/create.json"].remaining == 49
    platform.undo(BLOCK, troll.id)
    assert fake.me.blocking == []
    fake.fail_next(path="/blocks/", timeout=True)
    with pytest.raises(Unavailable):
        platform.apply(BLOCK, troll.id)
    troll.suspended = True
    with pytest.raises(TargetGone):
        platform.apply(BLOCK, troll.id)
