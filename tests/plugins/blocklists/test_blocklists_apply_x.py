"""The apply job against the fake X through tweepy: each promise, end to end."""

from __future__ import annotations

import math

import pytest
from apply_helpers import add_entries, remove_entry, steps
from fake_x import serve

from campaignkit.plugins.blocklists.applying import FINISHED, WAITING, run_apply
from campaignkit.plugins.blocklists.credentials import seal, unseal
from campaignkit.plugins.blocklists.ledger import DONE, SENT, SKIPPED, Step
from campaignkit.plugins.blocklists.subscribers import Connection

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def fake():
    """A fake X whose 15-minute window lasts 0.3 s."""
    with serve(window_seconds=0.3) as running:
        yield running


@pytest.fixture
def blocklists_settings(fake) -> dict:  # noqa: ANN001
    return {"x_api_url": fake.url, "x_client_id": "ck-test-client"}


@pytest.fixture
def world(app, fake, add_list, add_connection):  # noqa: ANN001, ANN201
    """Two lists, five listed accounts, and the supporter subscribed to the first list."""
    users = [fake.add_user(f"troll{i}") for i in range(5)]
    first, second = add_list("first"), add_list("second")
    add_entries(app, first, "x", [(u.id, f"@{u.username}") for u in users[:4]])
    add_entries(app, second, "x", [(users[3].id, "@troll3"), (users[4].id, "@troll4")])
    credentials = {"access_token": fake.token, "refresh_token": "r", "expires_at": 0}
    connection_id = add_connection("x", fake.me.id, credentials, lists={first.id: "mute"})
    return {"users": users, "first": first, "second": second, "connection": connection_id,
            "add_connection": add_connection, "credentials": credentials}  # fmt: skip


def _apply(app, fake, connection_id, **options):  # noqa: ANN001, ANN202
    with app.app_context():
        return run_apply(connection_id, clock=fake.clock, **options)


def _posts(fake, user) -> int:  # noqa: ANN001
    return sum(
        1 for c in fake.calls_to("POST", "/muting") if c.params.get("target_user_id") == user.id
    )


def test_a_list_is_muted_except_followed_accounts_and_twice_makes_no_second_call(app, fake, world):
    users = world["users"]
    fake.me.following.append(users[1].id)
    outcome = _apply(app, fake, world["connection"])
    assert outcome.state == FINISHED and (outcome.done, outcome.total) == (3, 3)
    assert set(fake.me.muting) == {users[0].id, users[2].id, users[3].id}
    assert _posts(fake, users[1]) == 0
    calls_before = len(fake.calls)
    again = _apply(app, fake, world["connection"])
    assert again.state == FINISHED
    assert len(fake.calls) == calls_before  # nothing changed: not even a read
    log = [(s.target_handle, s.state, s.reason) for s in steps(app, world["connection"])]
    assert ("@troll0", DONE, "listed") in log


def test_auto_rule_accounts_are_muted_unless_followed_and_undone_when_dropped(app, fake, world):
    from campaignkit.plugins.blocklists.models import AutoTarget, now

    noisy, friend = fake.add_user("noisy"), fake.add_user("friend")
    fake.me.following.append(friend.id)
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        for user in (noisy, friend):
            session.add(AutoTarget(connection_id=world["connection"], target_id=user.id,
                                   handle=f"@{user.username}", reason="new", at=now()))  # fmt: skip
    _apply(app, fake, world["connection"])
    assert noisy.id in fake.me.muting and friend.id not in fake.me.muting
    log = {s.target_handle: s.reason for s in steps(app, world["connection"])}
    assert log["@noisy"] == "listed"
    calls_before = len(fake.calls)
    assert _apply(app, fake, world["connection"]).state == FINISHED
    assert len(fake.calls) == calls_before  # the pseudo-list is not taken for an unsubscribe
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        session.query(AutoTarget).delete()  # no auto rule asks for them any more
        session.get(Connection, world["connection"]).planned_at = None
    _apply(app, fake, world["connection"])
    assert noisy.id not in fake.me.muting


def test_an_account_unmuted_by_hand_is_never_muted_again(app, fake, world):
    users = world["users"]
    _apply(app, fake, world["connection"])
    fake.me.muting.remove(users[0].id)  # the supporter unmutes by hand
    add_entries(app, world["first"], "x", [(fake.add_user("newcomer").id, "@newcomer")])
    _apply(app, fake, world["connection"])
    assert users[0].id not in fake.me.muting
    assert _posts(fake, users[0]) == 1


def test_removing_or_unsubscribing_undoes_only_what_came_solely_from_that_list(
    app, fake, world, rows
):  # noqa: ANN001
    users = world["users"]
    own = fake.add_user("theirs")
    fake.me.muting.append(own.id)  # the supporter's own mute
    add_entries(app, world["first"], "x", [(own.id, "@theirs")])
    with app.extensions["campaignkit"].database.write() as session:
        from campaignkit.plugins.blocklists.models import now
        from campaignkit.plugins.blocklists.subscribers import Subscription

        session.add(Subscription(connection_id=world["connection"], list_id=world["second"].id,
                                 action="mute", mode="any", created_at=now()))  # fmt: skip
    _apply(app, fake, world["connection"])
    assert set(fake.me.muting) == {u.id for u in users} | {own.id}

    remove_entry(app, world["first"].id, users[0].id)  # only on the first list
    remove_entry(app, world["first"].id, users[3].id)  # also on the second list
    remove_entry(app, world["first"].id, own.id)  # the supporter's own mute
    _apply(app, fake, world["connection"])
    assert set(fake.me.muting) == {users[1].id, users[2].id, users[3].id, users[4].id, own.id}

    with app.extensions["campaignkit"].database.write() as session:
        from sqlalchemy import delete

        from campaignkit.plugins.blocklists.subscribers import Subscription

        session.execute(delete(Subscription).where(Subscription.list_id == world["second"].id))
    _apply(app, fake, world["connection"])
    assert set(fake.me.muting) == {users[1].id, users[2].id, own.id}
    undone = {c.path.rsplit("/", 1)[-1] for c in fake.calls_to("DELETE", "/muting")}
    assert undone == {users[0].id, users[3].id, users[4].id}


def test_a_429_is_waited_out_not_failed(app, fake, world, rows):  # noqa: ANN001
    fake.windows[(fake.me.id, "POST", "muting")] = [math.ceil(fake.clock.time() + 4500), 50]
    first = _apply(app, fake, world["connection"])  # a worker does not sleep 15 minutes
    assert first.state == WAITING and first.done == 0
    assert all(s.state == "pending" and s.attempts == 0 for s in steps(app, world["connection"]))
    (connection,) = rows(Connection)
    assert connection.not_before.timestamp() == pytest.approx(first.resume_at, abs=1)
    assert connection.estimated_finish is not None and connection.status == "connected"
    fake.clock.sleep_until(first.resume_at)
    second = _apply(app, fake, world["connection"], max_wait=5000)
    assert second.state == FINISHED and second.done == 4
    assert len(fake.calls_to("POST", "/muting")) == 5  # one 429, four mutes


def test_a_step_is_marked_sent_before_the_wait_for_its_window_not_after(app, fake, world):
    """The commit overlaps the wait, so the call leaves as the window reopens."""
    assert _apply(app, fake, world["connection"], max_steps=0).total == 4  # planned
    fake.windows[(fake.me.id, "POST", "muting")] = [math.ceil(fake.clock.time() + 1800), 50]
    seen = []

    class WatchingClock:
        def time(self) -> float:
            return fake.clock.time()

        def sleep(self, seconds: float) -> None:
            seen.append([step.state for step in steps(app, world["connection"])])
            fake.clock.sleep(seconds)

    with app.app_context():
        outcome = run_apply(world["connection"], clock=WatchingClock(), max_wait=5000)
    assert outcome.state == FINISHED and outcome.done == 4
    assert seen and all(states.count(SENT) == 1 for states in seen)


def test_a_worker_killed_between_a_call_and_its_record_repeats_and_misses_nothing(app, fake, world):
    users = world["users"]
    stopped = _apply(app, fake, world["connection"], max_steps=0)  # planned, no call yet
    assert stopped.total == 4
    first, second = steps(app, world["connection"])[:2]
    with app.extensions["campaignkit"].database.write() as session:
        session.get(Step, first.id).state = SENT  # its call went through, then the kill
        session.get(Step, second.id).state = SENT  # killed before its call left
    fake.me.muting.append(first.target_id)
    outcome = _apply(app, fake, world["connection"])
    assert outcome.state == FINISHED and outcome.done == 4
    assert [_posts(fake, u) for u in users[:4]] == [0, 1, 1, 1]
    assert set(fake.me.muting) == {u.id for u in users[:4]}


def test_an_expired_token_asks_the_supporter_to_connect_again(app, fake, world, rows):
    fake.revoke(fake.token)
    _apply(app, fake, world["connection"])
    (connection,) = rows(Connection)
    assert connection.status == "reconnect" and connection.last_error


def test_an_expired_x_token_is_renewed_with_its_refresh_token_and_the_run_goes_on(
    app, fake, world, rows, oauth_over_http
):  # noqa: ANN001
    fake.oauth.add_client("ck-test-client")  # a public client: PKCE, no secret
    fake.oauth.refresh_tokens["refresh-1"] = (fake.me.id, "mute.write offline.access")
    with app.app_context(), app.extensions["campaignkit"].database.write() as session:
        session.get(Connection, world["connection"]).credentials = seal(
            "x", {"access_token": fake.token, "refresh_token": "refresh-1", "expires_at": 0}
        )
    fake.revoke(fake.token)
    _apply(app, fake, world["connection"])
    (connection,) = rows(Connection)
    assert connection.status == "connected"
    assert unseal("x", connection.credentials)["access_token"] != fake.token
    assert set(fake.me.muting) >= {u.id for u in world["users"][:4]}
    assert "refresh-1" not in fake.oauth.refresh_tokens  # used once, rotated by X


def test_a_suspended_target_is_skipped_and_a_500_retried(app, fake, world):
    users = world["users"]
    users[2].suspended = True
    _apply(app, fake, world["connection"], max_steps=0)  # read and planned
    fake.fail_next(1, status=500, path="/muting")
    outcome = _apply(app, fake, world["connection"])
    assert outcome.state == FINISHED
    by_target = {s.target_id: s for s in steps(app, world["connection"])}
    assert by_target[users[2].id].state == SKIPPED and "gone" in by_target[users[2].id].note
    assert all(by_target[u.id].state == DONE for u in (users[0], users[1], users[3]))
    assert by_target[users[0].id].attempts == 2


def test_the_queued_job_waits_out_a_429_by_queueing_itself_again(app, fake, world, immediate_jobs):  # noqa: ANN001, E501
    from campaignkit.plugins.blocklists.apply_queue import request_apply

    fake.windows[(fake.me.id, "POST", "muting")] = [math.ceil(fake.clock.time() + 4500), 50]
    with app.app_context():
        assert request_apply(world["connection"]) is True  # runs at once, meets the 429
    (again,) = [t for t in immediate_jobs.scheduled() if t.name.endswith("apply_blocklists")]
    assert again.args[1] == world["connection"] and again.eta is not None
    assert all(s.state == "pending" for s in steps(app, world["connection"]))
