"""The Mastodon adapter, through the real Mastodon.py, against a local fake Mastodon server."""

from __future__ import annotations

import math
import time
import urllib.parse
from datetime import UTC, datetime

import pytest
import requests
from fake_mastodon import serve

from campaignkit.plugins.blocklists.platforms.base import (
    BLOCK,
    MUTE,
    AuthExpired,
    PlatformError,
    RateLimited,
    TargetGone,
    Unavailable,
)
from campaignkit.plugins.blocklists.platforms.mastodon import (
    SCOPES,
    MastodonPlatform,
    authorization_url,
    exchange_code,
    register_app,
)

REDIRECT = "https://kit.example/blocklists/mastodon/callback"


@pytest.fixture
def fake():
    with serve() as server:
        yield server


@pytest.fixture
def alice(fake) -> str:
    return fake.add_account("alice")


@pytest.fixture
def platform(fake, alice) -> MastodonPlatform:
    return MastodonPlatform(fake.url, fake.issue_token(alice), timeout=2.0)


def reset_header(fake) -> float:
    """The X-RateLimit-Reset of the last answer, as Unix time."""
    return datetime.fromisoformat(fake.calls[-1].headers["X-RateLimit-Reset"]).timestamp()


def test_app_registration_and_oauth_code_exchange(fake, alice):
    fake.signed_in = alice
    client_id, client_secret = register_app(fake.url, REDIRECT)
    app = fake.apps[client_id]
    assert app["client_secret"] == client_secret
    assert app["scopes"] == SCOPES and app["redirect_uris"] == [REDIRECT]

    url = authorization_url(fake.url, client_id, client_secret, REDIRECT, "s7", allow_http=True)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert url.startswith(f"{fake.url}/oauth/authorize?")
    assert query["scope"] == [" ".join(SCOPES)] and query["state"] == ["s7"]
    approved = requests.get(url, allow_redirects=False, timeout=5)
    back = urllib.parse.urlsplit(approved.headers["Location"])
    assert approved.status_code == 302 and back.path.endswith("/callback")
    code = urllib.parse.parse_qs(back.query)["code"][0]

    token = exchange_code(fake.url, client_id, client_secret, REDIRECT, code, allow_http=True)
    assert fake.tokens[token]["account"] == alice
    me = MastodonPlatform(fake.url, token).me()
    assert (me.account_id, me.handle) == (alice, "@alice@127.0.0.1")
    with pytest.raises(AuthExpired):  # a code works once
        exchange_code(fake.url, client_id, client_secret, REDIRECT, code, allow_http=True)
    fake.fail_next(2, 502)  # the server discovery and the token exchange both fail
    with pytest.raises(Unavailable):
        exchange_code(fake.url, client_id, client_secret, REDIRECT, "any", allow_http=True)


def test_oauth_refuses_http_endpoints_unless_allowed(fake):
    client_id, client_secret = register_app(fake.url, REDIRECT)
    with pytest.raises(PlatformError):
        authorization_url(fake.url, client_id, client_secret, REDIRECT, "s7")


def test_following_mutes_and_blocks_are_read_across_pages(fake, alice, platform):
    others = [fake.add_account(f"troll{i}", "other.example") for i in range(130)]
    for other in others[:100]:
        fake.follow(alice, other)
    for other in others[40:125]:
        fake.mute(alice, other)
    fake.block(alice, others[129])
    fake.follow(others[0], alice)  # a follower, not followed: not in following

    assert platform.following_ids() == set(others[:100])
    assert platform.muted_ids() == set(others[40:125])
    assert platform.blocked_ids() == {others[129]}
    pages = [c for c in fake.calls if c.path == f"/api/v1/accounts/{alice}/following"]
    assert len(pages) == 2 and "max_id" in pages[1].params  # followed the Link header
    assert [c.status for c in fake.calls] == [200] * len(fake.calls)


def test_mute_block_and_their_undo_are_harmless_to_repeat(fake, alice, platform):
    troll = fake.add_account("troll", "other.example")
    platform.apply(MUTE, troll)
    platform.apply(MUTE, troll)
    platform.apply(BLOCK, troll)
    assert list(fake.mutes.values()) == [(alice, troll)]
    assert list(fake.blocks.values()) == [(alice, troll)]
    platform.undo(MUTE, troll)
    platform.undo(MUTE, troll)
    platform.undo(BLOCK, troll)
    platform.undo(BLOCK, troll)
    assert not fake.mutes and not fake.blocks
    assert fake.paths("POST")[-1] == f"/api/v1/accounts/{troll}/unblock"


def test_an_action_the_connection_does_not_allow_makes_no_call(fake, alice):
    platform = MastodonPlatform(fake.url, fake.issue_token(alice), actions=frozenset({MUTE}))
    troll = fake.add_account("troll", "other.example")
    with pytest.raises(PlatformError, match="block is not allowed"):
        platform.apply(BLOCK, troll)
    with pytest.raises(PlatformError, match="not allowed"):
        platform.undo("frobnicate", troll)
    assert fake.calls == []


def test_handles_resolve_to_ids_and_missing_ones_are_left_out(fake, alice, platform):
    bob = fake.add_account("bob")
    remote = fake.add_account("carol", "other.example", followers_count=3)
    unseen = fake.add_account("dave", "far.example", known=False)
    fake.add_account("gone", "other.example", suspended=True)
    found = platform.lookup_handles(
        [
            "bob",
            "@carol@other.example",
            "https://other.example/@carol",
            "@dave@far.example",
            "@nobody@x.example",
            "@gone@other.example",
            "@too@many@ats",
        ]
    )
    assert {handle: account.account_id for handle, account in found.items()} == {
        "bob": bob,
        "@carol@other.example": remote,
        "https://other.example/@carol": remote,
        "@dave@far.example": unseen,
    }
    carol = found["@carol@other.example"]
    assert (carol.handle, carol.followers_count) == ("@carol@other.example", 3)
    assert carol.created_at == datetime(2020, 1, 1, tzinfo=UTC)
    assert found["bob"].handle == "@bob@127.0.0.1"
    searches = [c for c in fake.calls if c.path == "/api/v1/accounts/search"]
    assert [s.params["q"] for s in searches] == [["dave@far.example"], ["nobody@x.example"]]


def test_rate_limit_headers_are_kept_and_a_429_says_when_to_retry():
    with serve(limit=3, window=1.0) as fake:  # Mastodon's 300 calls per 5 minutes, shrunk
        alice = fake.add_account("alice")
        platform = MastodonPlatform(fake.url, fake.issue_token(alice))
        time.sleep(1.0 - time.time() % 1.0)  # start at the beginning of a window
        platform.me()
        assert platform.last_rate_limit.limit == 3
        assert platform.last_rate_limit.remaining == 2
        window_end = math.ceil(time.time())
        assert reset_header(fake) == pytest.approx(window_end, abs=1e-3)
        platform.muted_ids()
        platform.blocked_ids()
        assert platform.last_rate_limit.remaining == 0
        with pytest.raises(RateLimited) as limited:
            platform.apply(MUTE, alice)
        assert fake.calls[-1].status == 429
        reset = reset_header(fake)
        # Mastodon.py moves the reset onto our clock using the whole-second Date header,
        # so it can come up to a second late (plus the answer's travel time), never early.
        assert reset <= limited.value.retry_at < reset + 1.5
        time.sleep(max(reset - time.time(), 0) + 0.01)
        platform.apply(MUTE, alice)
        assert platform.last_rate_limit.remaining == 2


def test_revoked_token_means_connect_again(fake, alice, platform):
    fake.revoke(next(iter(fake.tokens)))
    with pytest.raises(AuthExpired):
        platform.me()
    assert fake.calls[-1].status == 401


def test_missing_scope_means_connect_again(fake, alice):
    platform = MastodonPlatform(fake.url, fake.issue_token(alice, "read:accounts"))
    with pytest.raises(AuthExpired, match="permission"):
        platform.apply(MUTE, fake.add_account("troll"))
    assert fake.calls[-1].status == 403


def test_suspended_or_unknown_target_is_gone(fake, platform):
    suspended = fake.add_account("gone", "other.example", suspended=True)
    with pytest.raises(TargetGone):
        platform.apply(BLOCK, suspended)
    assert fake.calls[-1].status == 410
    with pytest.raises(TargetGone):
        platform.undo(MUTE, "99")
    assert fake.calls[-1].status == 404


def test_server_errors_and_timeouts_are_unavailable(fake, alice):
    platform = MastodonPlatform(fake.url, fake.issue_token(alice), timeout=0.3)
    troll = fake.add_account("troll", "other.example")
    fake.fail_next(1, 500)
    with pytest.raises(Unavailable):
        platform.apply(MUTE, troll)
    fake.fail_next(1, 503)
    with pytest.raises(Unavailable):
        platform.muted_ids()
    assert not fake.mutes
    fake.hang_next(1, seconds=0.6)
    with pytest.raises(Unavailable):
        platform.apply(MUTE, troll)
    # The server may finish what timed out, which is why retrying must be harmless.
    deadline = time.monotonic() + 3
    while not fake.mutes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(fake.mutes.values()) == [(alice, troll)]
    platform.apply(MUTE, troll)
    assert platform.muted_ids() == {troll}


def test_mentioners_since_the_last_check(fake, alice, platform):
    troll, fan = (fake.add_account(n, "other.example") for n in ("troll", "fan"))
    fake.notify(fan, alice, "favourite")
    fake.notify(troll, alice)
    newest = fake.notify(troll, alice)
    mentioners, since_id = platform.recent_mentioners(None)
    assert [m.account_id for m in mentioners] == [troll] and since_id == newest
    assert fake.calls[-1].params["types[]"] == ["mention"]

    assert platform.recent_mentioners(since_id) == ([], since_id)
    spammers = [fake.add_account(f"spam{i}", "other.example") for i in range(90)]
    ids = [fake.notify(spammer, alice) for spammer in spammers]
    mentioners, newer = platform.recent_mentioners(since_id)
    assert {m.account_id for m in mentioners} == set(spammers) and newer == ids[-1]
    assert fake.calls[-1].params["since_id"] == [since_id]
