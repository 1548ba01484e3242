"""The subscriber's promises, one example test each (properties are in the next file).

`run` plays a plan against a platform state the way a platform would, so a test can
apply a plan and plan again, as the apply job does.
"""

from __future__ import annotations

import time

import pytest
from planner_helpers import run

from campaignkit.plugins.blocklists.planner import (
    ALL,
    ANY,
    APPLY,
    AUTO,
    DOWNGRADE,
    LISTED,
    UNDO,
    UNLISTED,
    UPGRADE,
    AppliedRecord,
    AppliedTarget,
    PlatformState,
    Step,
    Subscription,
    entry_after_step,
    plan,
    record_after_step,
    wanted_actions,
)
from campaignkit.plugins.blocklists.platforms.base import BLOCK, MUTE

EMPTY = AppliedRecord()


def calls(steps) -> list[tuple[str, str, str]]:
    """The steps as (verb, action, target), for comparing."""
    return [(step.verb, step.action, step.target) for step in steps]


def applied(action: str, *lists: str) -> AppliedTarget:
    """A record entry: we applied `action`, asked for by `lists`."""
    return AppliedTarget(frozenset({action}), frozenset(lists))


# ------------------------------------------------------------------ following


def test_an_account_the_subscriber_follows_is_never_muted_or_blocked():
    subscriptions = [Subscription("trolls", BLOCK)]
    entries = {"trolls": frozenset({"friend", "troll"})}
    platform = PlatformState(following=frozenset({"friend"}))

    result = plan(subscriptions, entries, platform, EMPTY)

    assert calls(result.steps) == [(APPLY, BLOCK, "troll")]
    assert "friend" not in result.record_when_done.targets


def test_a_mute_of_ours_stays_when_the_subscriber_follows_the_account_later():
    """Following is not taken as an undo: no call, not even when the list drops them."""
    record = AppliedRecord({"later-friend": applied(MUTE, "trolls")})
    platform = PlatformState(
        following=frozenset({"later-friend"}), muted=frozenset({"later-friend"})
    )
    still_listed = plan(
        [Subscription("trolls", MUTE)], {"trolls": frozenset({"later-friend"})}, platform, record
    )
    no_longer_listed = plan(
        [Subscription("trolls", MUTE)], {"trolls": frozenset()}, platform, record
    )

    assert still_listed.steps == () and no_longer_listed.steps == ()
    kept = no_longer_listed.record_when_done.targets["later-friend"]
    assert kept.actions == {MUTE} and kept.lists == frozenset()

    unfollowed = PlatformState(muted=frozenset({"later-friend"}))
    after = plan(
        [Subscription("trolls", MUTE)],
        {"trolls": frozenset()},
        unfollowed,
        no_longer_listed.record_when_done,
    )
    assert calls(after.steps) == [(UNDO, MUTE, "later-friend")]


def test_a_followed_account_is_not_upgraded_to_a_block():
    record = AppliedRecord({"pal": applied(MUTE, "a")})
    platform = PlatformState(following=frozenset({"pal"}), muted=frozenset({"pal"}))
    result = plan(
        [Subscription("a", MUTE), Subscription("b", BLOCK)],
        {"a": frozenset({"pal"}), "b": frozenset({"pal"})},
        platform,
        record,
    )
    assert result.steps == ()
    assert result.record_when_done.targets["pal"].actions == {MUTE}


# ------------------------------------------------------------------ hands off


def test_an_account_unmuted_by_hand_after_we_muted_it_is_never_muted_again():
    subscriptions = [Subscription("trolls", MUTE)]
    entries = {"trolls": frozenset({"forgiven"})}
    first = plan(subscriptions, entries, PlatformState(), EMPTY)
    platform = run(first.steps, PlatformState())
    unmuted_by_hand = PlatformState(muted=platform.muted - {"forgiven"})

    second = plan(subscriptions, entries, unmuted_by_hand, first.record_when_done)

    assert second.steps == ()
    assert second.record_when_done.hands_off == {"forgiven"}
    assert "forgiven" not in second.record_when_done.targets
    # Remembered for good: a second list naming them, even asking for block, changes nothing.
    third = plan(
        subscriptions + [Subscription("more", BLOCK)],
        {**entries, "more": frozenset({"forgiven"})},
        unmuted_by_hand,
        second.record_when_done,
    )
    assert third.steps == () and third.record_when_done.hands_off == {"forgiven"}


def test_an_account_unblocked_by_hand_is_left_alone_even_if_still_muted():
    record = AppliedRecord({"x1": applied(BLOCK, "a")})
    platform = PlatformState(muted=frozenset({"x1"}))  # they unblocked it and muted it
    result = plan([Subscription("a", BLOCK)], {"a": frozenset()}, platform, record)
    assert result.steps == ()  # not even an undo of their mute
    assert result.record_when_done.hands_off == {"x1"}


# ------------------------------------------------------------------ unsubscribing, removing


def test_unsubscribing_undoes_only_what_came_solely_from_that_list():
    entries = {"a": frozenset({"only-a", "both", "theirs"}), "b": frozenset({"both"})}
    platform = PlatformState(muted=frozenset({"theirs"}))  # muted by the subscriber first
    both = [Subscription("a", MUTE), Subscription("b", MUTE)]
    first = plan(both, entries, platform, EMPTY)
    assert calls(first.steps) == [(APPLY, MUTE, "both"), (APPLY, MUTE, "only-a")]
    platform = run(first.steps, platform)

    after = plan([Subscription("b", MUTE)], entries, platform, first.record_when_done)

    assert calls(after.steps) == [(UNDO, MUTE, "only-a")]
    assert after.steps[0].reason == UNLISTED
    assert after.record_when_done.targets["both"].lists == {"b"}
    assert "theirs" not in after.record_when_done.targets


def test_removing_an_entry_undoes_it_unless_another_list_still_asks():
    subscriptions = [Subscription("a", BLOCK), Subscription("b", BLOCK)]
    before = {"a": frozenset({"t1", "t2"}), "b": frozenset({"t2"})}
    first = plan(subscriptions, before, PlatformState(), EMPTY)
    platform = run(first.steps, PlatformState())

    removed = {"a": frozenset(), "b": frozenset({"t2"})}
    after = plan(subscriptions, removed, platform, first.record_when_done)

    assert calls(after.steps) == [(UNDO, BLOCK, "t1")]


def test_a_block_that_came_solely_from_one_list_is_downgraded_to_the_others_mute():
    record = AppliedRecord({"t": applied(BLOCK, "hard", "soft")})
    platform = PlatformState(blocked=frozenset({"t"}))
    result = plan([Subscription("soft", MUTE)], {"soft": frozenset({"t"})}, platform, record)
    # The mute goes on before the block comes off, so the target is never uncovered.
    assert calls(result.steps) == [(APPLY, MUTE, "t"), (UNDO, BLOCK, "t")]
    assert {step.reason for step in result.steps} == {DOWNGRADE}
    assert result.record_when_done.targets["t"] == applied(MUTE, "soft")


def test_a_new_blocking_list_upgrades_our_mute():
    record = AppliedRecord({"t": applied(MUTE, "soft")})
    platform = PlatformState(muted=frozenset({"t"}))
    subscriptions = [Subscription("soft", MUTE), Subscription("hard", BLOCK)]
    result = plan(
        subscriptions, {"soft": frozenset({"t"}), "hard": frozenset({"t"})}, platform, record
    )
    assert calls(result.steps) == [(APPLY, BLOCK, "t"), (UNDO, MUTE, "t")]
    assert {step.reason for step in result.steps} == {UPGRADE}


# ------------------------------------------------------------------ the subscriber's own


def test_an_account_muted_by_the_subscriber_gets_no_call_and_is_not_claimed():
    platform = PlatformState(muted=frozenset({"own"}), blocked=frozenset({"own-block"}))
    subscriptions = [Subscription("a", BLOCK)]
    result = plan(subscriptions, {"a": frozenset({"own", "own-block"})}, platform, EMPTY)
    assert result.steps == ()  # not even upgraded: their mute is theirs
    assert dict(result.record_when_done.targets) == {}
    # And it is never undone when the list drops it.
    dropped = plan(subscriptions, {"a": frozenset()}, platform, result.record_when_done)
    assert dropped.steps == ()


def test_a_block_the_subscriber_added_over_our_mute_is_not_claimed():
    record = AppliedRecord({"t": applied(MUTE, "soft")})
    platform = PlatformState(muted=frozenset({"t"}), blocked=frozenset({"t"}))
    subscriptions = [Subscription("soft", MUTE), Subscription("hard", BLOCK)]
    entries = {"soft": frozenset({"t"}), "hard": frozenset({"t"})}
    result = plan(subscriptions, entries, platform, record)
    assert result.steps == ()
    assert result.record_when_done.targets["t"].actions == {MUTE}
    # When no list asks any more, only our mute comes off; their block stays.
    gone = plan(subscriptions, {"soft": frozenset(), "hard": frozenset()}, platform, record)
    assert calls(gone.steps) == [(UNDO, MUTE, "t")]


# ------------------------------------------------------------------ twice, and resuming


def test_applying_the_same_lists_twice_makes_no_second_call():
    subscriptions = [Subscription("a", MUTE), Subscription("b", BLOCK)]
    entries = {"a": frozenset({"t1", "t2"}), "b": frozenset({"t2", "t3"})}
    first = plan(subscriptions, entries, PlatformState(), EMPTY)
    assert len(first.steps) == 3
    platform = run(first.steps, PlatformState())

    second = plan(subscriptions, entries, platform, first.record_when_done)

    assert second.steps == ()
    assert second.record_when_done == first.record_when_done


def test_a_job_stopped_half_way_resumes_without_repeating_a_call():
    record = AppliedRecord({"t": applied(MUTE, "soft")})
    platform = PlatformState(muted=frozenset({"t"}))
    subscriptions = [Subscription("soft", MUTE), Subscription("hard", BLOCK)]
    entries = {"soft": frozenset({"t"}), "hard": frozenset({"t", "u"})}
    first = plan(subscriptions, entries, platform, record)
    done = first.steps[:1]
    stored = first.record_now
    for step in done:
        stored = record_after_step(stored, step)

    resumed = plan(subscriptions, entries, run(done, platform), stored)

    assert resumed.steps == first.steps[1:]
    assert resumed.record_when_done == first.record_when_done


# ------------------------------------------------------------------ modes and actions


def test_all_mode_asks_only_for_accounts_on_every_subscribed_list():
    subscriptions = [Subscription("a", MUTE), Subscription("b", BLOCK, ALL)]
    entries = {"a": frozenset({"on-a", "on-both"}), "b": frozenset({"on-b", "on-both"})}
    wanted = wanted_actions(subscriptions, entries, frozenset({MUTE, BLOCK}))
    assert wanted == {
        "on-a": (MUTE, frozenset({"a"})),
        "on-both": (BLOCK, frozenset({"a", "b"})),
    }


def test_all_mode_alone_on_several_lists_takes_the_intersection():
    subscriptions = [Subscription("a", MUTE, ALL), Subscription("b", MUTE, ALL)]
    entries = {"a": frozenset({"x", "y"}), "b": frozenset({"y", "z"})}
    result = plan(subscriptions, entries, PlatformState(), EMPTY)
    assert calls(result.steps) == [(APPLY, MUTE, "y")]


def test_the_auto_rules_pseudo_list_is_not_one_of_all_modes_lists():
    subscriptions = [Subscription("a", MUTE, ALL), Subscription("b", MUTE, ALL),
                     Subscription(AUTO, MUTE, ANY)]  # fmt: skip
    entries = {"a": frozenset({"x", "y"}), "b": frozenset({"y", "z"}), AUTO: frozenset({"n"})}
    result = plan(subscriptions, entries, PlatformState(following=frozenset({"z"})), EMPTY)
    assert sorted(calls(result.steps)) == [(APPLY, MUTE, "n"), (APPLY, MUTE, "y")]


def test_block_falls_back_to_mute_where_the_platform_allows_no_block():
    result = plan(
        [Subscription("a", BLOCK)],
        {"a": frozenset({"t"})},
        PlatformState(),
        EMPTY,
        allowed_actions=frozenset({MUTE}),
    )
    assert calls(result.steps) == [(APPLY, MUTE, "t")]
    assert result.steps[0].reason == LISTED


def test_the_plan_does_not_depend_on_the_order_of_its_inputs():
    entries = {"a": frozenset({"t3", "t1", "t2"}), "b": frozenset({"t2", "t9"})}
    forward = plan(
        [Subscription("a", MUTE), Subscription("b", BLOCK)], entries, PlatformState(), EMPTY
    )
    backward = plan(
        [Subscription("b", BLOCK), Subscription("a", MUTE)],
        dict(reversed(entries.items())),
        PlatformState(),
        EMPTY,
    )
    assert forward == backward
    assert [step.target for step in forward.steps] == ["t1", "t2", "t3", "t9"]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="mute or block"):
        Subscription("a", "report")
    with pytest.raises(ValueError, match="any or all"):
        Subscription("a", MUTE, "some")
    with pytest.raises(ValueError, match="'gone'"):
        plan([Subscription("gone", MUTE)], {}, PlatformState(), EMPTY)


def test_a_step_says_what_the_record_keeps():
    step = Step(APPLY, MUTE, "t", LISTED, frozenset({"a"}))
    assert record_after_step(EMPTY, step).targets["t"] == applied(MUTE, "a")
    undone = record_after_step(
        record_after_step(EMPTY, step), Step(UNDO, MUTE, "t", UNLISTED, frozenset())
    )
    assert dict(undone.targets) == {}


def test_any_is_the_default_mode():
    assert Subscription("a", MUTE).mode == ANY


def test_one_row_of_the_record_after_a_step():
    held = applied(MUTE, "soft")
    upgraded = entry_after_step(held, Step(APPLY, BLOCK, "t", UPGRADE, frozenset({"hard"})))
    assert upgraded == AppliedTarget(frozenset({MUTE, BLOCK}), frozenset({"hard"}))
    assert entry_after_step(held, Step(UNDO, MUTE, "t", UNLISTED, frozenset())) is None


def test_a_twenty_thousand_entry_list_is_planned_in_seconds_not_minutes():
    entries = {"big": frozenset(str(number) for number in range(20_000))}
    started = time.perf_counter()
    result = plan([Subscription("big", MUTE)], entries, PlatformState(), EMPTY)
    assert len(result.steps) == 20_000
    assert time.perf_counter() - started < 10  # about 0.2 s; a quadratic record took minutes
