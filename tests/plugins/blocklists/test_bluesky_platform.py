"""The Bluesky platform: the real atproto SDK against a local fake PDS and AppView."""

from __future__ import annotations

import time

import httpx
import pytest
from fake_bluesky import serve
from fake_bluesky_limits import Policy

from campaignkit.plugins.blocklists.platforms.base import (
    BLOCK,
    MUTE,
    AuthExpired,
    RateLimited,
    TargetGone,
    Unavailable,
)
from campaignkit.plugins.blocklists.platforms.bluesky import BlueskyPlatform

BLOCKS = "app.bsky.graph.block"
ITEMS = "app.bsky.graph.listitem"


@pytest.fixture
def fake():
    with serve() as fake:
        yield fake


@pytest.fixture
def alice(fake):
    return fake.add_account("alice.bsky.social")


@pytest.fixture
def bob(fake):
    return fake.add_account("bob.bsky.social")


@pytest.fixture
def sessions():
    return []


@pytest.fixture
def platform(fake, alice, sessions):
    return BlueskyPlatform.connect(
        alice.handle, alice.password, service=fake.url, on_session=sessions.append, timeout=2.0
    )


def _count(fake, nsid: str) -> int:
    return fake.nsids().count(nsid)


def _did(number: int) -> str:
    return f"did:plc:listed{number:06d}"


# ---- sessions ----


def test_connect_stores_a_session_that_resumes_without_the_password(fake, alice, sessions):
    platform = BlueskyPlatform.connect(
        "@" + alice.handle, alice.password, service=fake.url, on_session=sessions.append
    )
    assert platform.did == alice.did
    assert len(sessions) == 1 and alice.password not in sessions[0]

    resumed = BlueskyPlatform.resume(sessions[0], service=fake.url)
    assert resumed.me().account_id == alice.did
    assert resumed.me().followers_count == 100
    assert _count(fake, "com.atproto.server.createSession") == 1


def test_a_session_near_expiry_is_refreshed_by_the_sdk_and_stored(fake, alice, sessions):
    fake.access_lifetime = 60  # inside the SDK's 15-minute margin
    platform = BlueskyPlatform.connect(
        alice.handle, alice.password, service=fake.url, on_session=sessions.append
    )
    platform.muted_ids()
    assert fake.nsids()[-2:] == ["com.atproto.server.refreshSession", "app.bsky.graph.getMutes"]
    assert len(sessions) == 2 and sessions[1] != sessions[0]
    assert platform.session_string == sessions[1]


def test_a_token_the_server_expired_early_is_refreshed_once(fake, platform, sessions):
    fake.expire_access_tokens()
    assert platform.muted_ids() == set()
    assert fake.nsids()[-3:] == [
        "app.bsky.graph.getMutes",
        "com.atproto.server.refreshSession",
        "app.bsky.graph.getMutes",
    ]
    assert [call.status for call in fake.calls[-3:]] == [400, 200, 200]
    assert len(sessions) == 2


def test_a_revoked_session_is_auth_expired_after_one_refresh(fake, alice, platform):
    fake.revoke_sessions(alice.did)
    with pytest.raises(AuthExpired):
        platform.muted_ids()
    assert _count(fake, "com.atproto.server.refreshSession") == 1


def test_a_wrong_app_password_is_auth_expired(fake, alice):
    with pytest.raises(AuthExpired):
        BlueskyPlatform.connect(alice.handle, "wrong-pass-word-here", service=fake.url)
    assert fake.nsids() == ["com.atproto.server.createSession"]


def test_an_unreadable_stored_session_is_auth_expired(fake, alice):
    with pytest.raises(AuthExpired):
        BlueskyPlatform.resume("not a session", service=fake.url)
    garbled = ":::".join([alice.handle, alice.did, "not-a-jwt", "not-a-jwt", fake.url])
    with pytest.raises(AuthExpired):
        BlueskyPlatform.resume(garbled, service=fake.url).muted_ids()
    assert fake.nsids() == ["com.atproto.server.refreshSession"]  # refused: no session


# ---- reading the account ----


def test_follows_mutes_and_blocks_are_read_across_pages(fake, alice, platform):
    others = [fake.add_account(f"user{n}.bsky.social").did for n in range(230)]
    for did in others:
        fake.follow(alice.did, did)
        fake.mute(alice.did, did)
        fake.put_record(alice.did, BLOCKS, {"$type": BLOCKS, "subject": did, "createdAt": "x"})

    assert platform.following_ids() == set(others)
    assert platform.muted_ids() == set(others)
    assert platform.blocked_ids() == set(others)
    assert _count(fake, "app.bsky.graph.getFollows") == 3
    assert _count(fake, "app.bsky.graph.getMutes") == 3
    assert _count(fake, "com.atproto.repo.listRecords") == 3


def test_me_is_the_connected_account(alice, platform):
    me = platform.me()
    assert (me.platform, me.account_id, me.handle) == ("bluesky", alice.did, alice.handle)
    assert me.created_at is not None and me.created_at.year == 2023


# ---- acting ----


def test_blocking_twice_writes_one_record_and_unblocking_removes_it(fake, alice, bob, platform):
    platform.apply(BLOCK, bob.did)
    platform.apply(BLOCK, bob.did)
    records = fake.records(alice.did, BLOCKS)
    assert [value["subject"] for value in records.values()] == [bob.did]
    assert _count(fake, "com.atproto.repo.createRecord") == 1

    platform.undo(BLOCK, bob.did)
    platform.undo(BLOCK, bob.did)
    assert fake.records(alice.did, BLOCKS) == {}
    assert _count(fake, "com.atproto.repo.deleteRecord") == 1
    assert platform.blocked_ids() == set()


def test_a_block_made_in_the_app_is_not_made_again(fake, alice, bob, platform):
    record = {"$type": BLOCKS, "subject": bob.did, "createdAt": "2024-01-01T00:00:00.000Z"}
    fake.put_record(alice.did, BLOCKS, record)
    platform.apply(BLOCK, bob.did)
    assert _count(fake, "com.atproto.repo.createRecord") == 0
    assert len(fake.records(alice.did, BLOCKS)) == 1


def test_muting_twice_and_unmuting_twice_is_harmless(fake, alice, bob, platform):
    platform.apply(MUTE, bob.did)
    platform.apply(MUTE, bob.did)
    assert platform.muted_ids() == {bob.did}
    platform.undo(MUTE, bob.did)
    platform.undo(MUTE, bob.did)
    assert platform.muted_ids() == set()


def test_an_action_bluesky_lacks_is_refused(bob, platform):
    with pytest.raises(ValueError):
        platform.apply("report", bob.did)


def test_a_taken_down_or_unknown_target_is_gone(fake, bob, platform):
    fake.take_down(bob.did)
    with pytest.raises(TargetGone):
        platform.apply(MUTE, bob.did)
    with pytest.raises(TargetGone):
        platform.apply(MUTE, "did:plc:nobodyhere0000000000000")


def test_handles_resolve_in_batches_and_missing_ones_are_left_out(fake, bob, platform):
    handles = [fake.add_account(f"member{n}.bsky.social").handle for n in range(30)]
    fake.take_down(fake.add_account("gone.bsky.social").did)
    asked = ["@Bob.Bsky.Social", *handles, "nobody.bsky.social", "gone.bsky.social", "not a handle"]

    found = platform.lookup_handles(asked)

    assert set(found) == {"@Bob.Bsky.Social", *handles}
    assert found["@Bob.Bsky.Social"].account_id == bob.did
    assert _count(fake, "app.bsky.actor.getProfiles") == 2
    assert platform.lookup_handles([bob.did])[bob.did].handle == bob.handle


def test_mentions_since_the_last_check(fake, alice, bob, platform):
    carol = fake.add_account("carol.bsky.social")
    fake.mention(bob.did, alice.did)
    fake.mention(carol.did, alice.did, reason="reply")
    mentioners, since = platform.recent_mentioners(None)
    assert [account.account_id for account in mentioners] == [bob.did]
    assert mentioners[0].followers_count == 100

    assert platform.recent_mentioners(since) == ([], since)

    crowd = [fake.add_account(f"loud{n}.bsky.social").did for n in range(120)]
    for did in crowd:
        fake.mention(did, alice.did)
    mentioners, newer = platform.recent_mentioners(since)
    assert {account.account_id for account in mentioners} == set(crowd)
    assert newer > since


# ---- limits and failures ----


def test_rate_limit_headers_are_recorded(fake, bob, platform):
    platform.muted_ids()
    first = platform.last_rate_limit
    platform.muted_ids()
    assert first.limit == 3000 and platform.last_rate_limit.remaining == first.remaining - 1
    assert first.reset_at > time.time()

    fake.limits.writes = [Policy("repo-write-hour", 10, 3600)]
    platform.apply(BLOCK, bob.did)
    assert (platform.last_rate_limit.limit, platform.last_rate_limit.remaining) == (10, 7)


def test_a_429_is_rate_limited_until_the_window_resets(fake, alice, platform):
    now = [time.time()]
    fake.clock = lambda: now[0]
    fake.limits.writes = [Policy("repo-write-hour", 6, 3600)]
    targets = [fake.add_account(f"troll{n}.bsky.social").did for n in range(3)]
    platform.apply(BLOCK, targets[0])
    platform.apply(BLOCK, targets[1])
    with pytest.raises(RateLimited) as raised:
        platform.apply(BLOCK, targets[2])
    assert raised.value.retry_at == platform.last_rate_limit.reset_at >= now[0] + 3600
    assert platform.last_rate_limit.remaining == 0
    assert len(fake.records(alice.did, BLOCKS)) == 2

    now[0] = raised.value.retry_at  # the hour has passed
    platform.apply(BLOCK, targets[2])
    assert len(fake.records(alice.did, BLOCKS)) == 3


def test_a_shrunk_window_reopens_after_its_scaled_length(fake, bob, platform):
    now = [time.time()]
    fake.clock = lambda: now[0]
    fake.limits.scale = 1 / 300  # five minutes last a second
    fake.limits.everything = Policy("global-small", 2, 300)
    platform.muted_ids()
    platform.muted_ids()
    with pytest.raises(RateLimited) as raised:
        platform.muted_ids()
    assert raised.value.retry_at <= now[0] + 2  # a second, rounded up to a whole second
    assert fake.calls[-1].status == 429

    now[0] = raised.value.retry_at
    assert platform.muted_ids() == set()


def test_a_500_or_a_timeout_is_unavailable_and_the_next_call_works(fake, bob, platform):
    fake.fail_next(1, 500)
    with pytest.raises(Unavailable):
        platform.apply(MUTE, bob.did)
    fake.fail_next(1, 502)
    with pytest.raises(Unavailable):
        platform.apply(MUTE, bob.did)

    hurried = BlueskyPlatform.resume(platform.session_string, service=fake.url, timeout=0.2)
    fake.hang_next(1, seconds=0.6)
    with pytest.raises(Unavailable):
        hurried.apply(MUTE, bob.did)
    hurried.apply(MUTE, bob.did)
    assert platform.muted_ids() == {bob.did}


def test_the_fake_answers_in_the_xrpc_wire_format(fake, alice):
    fake.limits.sessions = [Policy("session-5m", 1, 300)]
    login = {"identifier": alice.handle, "password": alice.password}
    assert httpx.post(f"{fake.url}/xrpc/com.atproto.server.createSession", json=login).is_success
    refused = httpx.post(f"{fake.url}/xrpc/com.atproto.server.createSession", json=login)
    assert refused.status_code == 429
    assert refused.json() == {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    assert refused.headers["ratelimit-policy"] == "1;w=300"
    assert refused.headers["ratelimit-remaining"] == "0"
    unsigned = httpx.get(f"{fake.url}/xrpc/app.bsky.graph.getMutes")
    assert (unsigned.status_code, unsigned.json()["error"]) == (401, "AuthMissing")
    resolve = f"{fake.url}/xrpc/com.atproto.identity.resolveHandle"
    assert httpx.get(resolve, params={"handle": alice.handle}).json() == {"did": alice.did}
    missing = httpx.get(resolve, params={"handle": "nobody.bsky.social"})
    assert (missing.status_code, missing.json()["error"]) == (400, "InvalidRequest")


# ---- moderation lists ----


def test_a_modlist_is_published_synced_without_duplicates_and_read_back(fake, alice, platform):
    dids = [_did(n) for n in range(250)]
    list_uri = platform.publish_modlist("Known trolls", "Accounts our group blocks", dids)

    (value,) = fake.records(alice.did, "app.bsky.graph.list").values()
    assert value["purpose"] == "app.bsky.graph.defs#modlist" and value["name"] == "Known trolls"
    assert _count(fake, "com.atproto.repo.applyWrites") == 2
    assert sorted(platform.read_modlist(list_uri)) == dids
    assert _count(fake, "app.bsky.graph.getList") == 3

    wanted = dids[:200] + [_did(n) for n in range(1000, 1010)]
    assert platform.sync_modlist(list_uri, wanted + wanted[:5]) == (10, 50)
    assert sorted(platform.read_modlist(list_uri)) == sorted(wanted)

    writes_before = _count(fake, "com.atproto.repo.applyWrites")
    assert platform.sync_modlist(list_uri, wanted) == (0, 0)
    assert _count(fake, "com.atproto.repo.applyWrites") == writes_before

    item = {"$type": ITEMS, "subject": wanted[0], "list": list_uri, "createdAt": "x"}
    fake.put_record(alice.did, ITEMS, item)  # a duplicate made elsewhere
    assert platform.sync_modlist(list_uri, wanted) == (0, 1)
    subjects = [v["subject"] for v in fake.records(alice.did, ITEMS).values()]
    assert sorted(subjects) == sorted(wanted)


def test_a_modlist_stopped_by_the_write_limit_is_finished_by_a_later_sync(fake, alice, platform):
    fake.limits.writes = [Policy("repo-write-hour", 3 + 3 * 200 + 10, 3600)]
    dids = [_did(n) for n in range(300)]
    list_uri = platform.create_modlist("Impersonators", "")
    with pytest.raises(RateLimited):
        platform.sync_modlist(list_uri, dids)
    assert len(fake.records(alice.did, ITEMS)) == 200

    fake.limits.writes = [Policy("repo-write-hour", 5000, 3600)]
    assert platform.sync_modlist(list_uri, dids) == (100, 0)
    assert sorted(platform.read_modlist(list_uri)) == dids


def test_only_an_own_list_can_be_synced_but_any_list_can_be_read(fake, bob, platform):
    theirs = BlueskyPlatform.connect(bob.handle, bob.password, service=fake.url)
    list_uri = theirs.publish_modlist("Spam", "", [_did(1)])
    with pytest.raises(ValueError):
        platform.sync_modlist(list_uri, [])
    assert platform.read_modlist(list_uri) == [_did(1)]
    with pytest.raises(TargetGone):
        platform.read_modlist(list_uri.replace(bob.did, "did:plc:nobodyhere0000000000000"))
