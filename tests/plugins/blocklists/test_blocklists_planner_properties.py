"""The planner's invariants over random small worlds (Hypothesis).

A world is a handful of targets and lists, random subscriptions and entries, a random
platform state and a random (possibly stale) record of ours. Whatever the world, the
plan must never call on a followed, hands-off or subscriber-own target, must undo only
what we hold, and must be idempotent and resumable.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planner_helpers import run

from campaignkit.plugins.blocklists.planner import (
    ALL,
    ANY,
    APPLY,
    UNDO,
    AppliedRecord,
    AppliedTarget,
    PlatformState,
    Subscription,
    plan,
    record_after_step,
    wanted_actions,
)
from campaignkit.plugins.blocklists.platforms.base import BLOCK, MUTE

TARGETS = [f"t{number}" for number in range(6)]
LISTS = ["a", "b", "c"]

targets = st.frozensets(st.sampled_from(TARGETS))
actions = st.sampled_from([MUTE, BLOCK])
some_actions = st.frozensets(actions, min_size=1)


@dataclass(frozen=True)
class World:
    """Everything `plan` takes, for one connected account."""

    subscriptions: tuple[Subscription, ...]
    entries: dict[str, frozenset[str]]
    platform: PlatformState
    record: AppliedRecord
    allowed: frozenset[str]

    def plan(self, platform=None, record=None):
        """Plan this world, or it with another platform state and record."""
        platform = self.platform if platform is None else platform
        record = self.record if record is None else record
        return plan(self.subscriptions, self.entries, platform, record, self.allowed)


@st.composite
def worlds(draw) -> World:
    """A random world; the record may disagree with the platform (hands-off detection)."""
    subscribed = draw(st.lists(st.sampled_from(LISTS), unique=True))
    subscriptions = tuple(
        Subscription(list_id, draw(actions), draw(st.sampled_from([ANY, ALL])))
        for list_id in subscribed
    )
    entries = {list_id: draw(targets) for list_id in LISTS}
    platform = PlatformState(draw(targets), draw(targets), draw(targets))
    ours = draw(
        st.dictionaries(
            st.sampled_from(TARGETS),
            st.builds(AppliedTarget, some_actions, st.frozensets(st.sampled_from(LISTS))),
        )
    )
    record = AppliedRecord(ours, draw(targets))
    return World(subscriptions, entries, platform, record, draw(some_actions))


def subscriber_own(world: World) -> set[str]:
    """Targets muted or blocked on the platform that our record does not hold."""
    return set(world.platform.muted | world.platform.blocked) - set(world.record.targets)


# Each check below is one invariant; one Hypothesis test runs them all on each world, so
# the worlds are generated once (generating them is most of the cost).


def check_replanning_after_the_plan_ran_gives_an_empty_plan(world, result):
    platform = run(result.steps, world.platform)
    again = world.plan(platform, result.record_when_done)
    assert again.steps == ()
    assert again.record_when_done == result.record_when_done


def check_no_call_is_ever_made_on_a_followed_account(world, result):
    assert not {step.target for step in result.steps} & world.platform.following


def check_no_call_touches_hands_off_or_the_subscribers_own(world, result):
    touched = {step.target for step in result.steps}
    assert not touched & result.record_when_done.hands_off
    assert not touched & world.record.hands_off
    assert not touched & subscriber_own(world)


def check_an_undo_takes_off_only_what_we_hold_and_an_apply_only_what_is_asked(world, result):
    wanted = wanted_actions(world.subscriptions, world.entries, world.allowed)
    for step in result.steps:
        assert step.action in world.allowed
        if step.verb == UNDO:
            assert step.action in world.record.targets[step.target].actions
        else:
            assert step.verb == APPLY and wanted[step.target][0] == step.action


def check_every_asked_target_we_may_act_on_is_covered_once_the_plan_ran(world, result):
    platform = run(result.steps, world.platform)
    wanted = wanted_actions(world.subscriptions, world.entries, world.allowed)
    left_alone = set(world.platform.following) | result.record_when_done.hands_off
    for target in set(wanted) - left_alone:
        assert target in platform.muted | platform.blocked


def check_a_job_stopped_after_any_step_resumes_with_exactly_the_rest(world, result):
    for stopped_after in range(len(result.steps) + 1):
        done = result.steps[:stopped_after]
        stored = result.record_now
        for step in done:
            stored = record_after_step(stored, step)
        resumed = world.plan(run(done, world.platform), stored)
        assert resumed.steps == result.steps[stopped_after:]
        assert resumed.record_when_done == result.record_when_done


INVARIANTS = [
    check_replanning_after_the_plan_ran_gives_an_empty_plan,
    check_no_call_is_ever_made_on_a_followed_account,
    check_no_call_touches_hands_off_or_the_subscribers_own,
    check_an_undo_takes_off_only_what_we_hold_and_an_apply_only_what_is_asked,
    check_every_asked_target_we_may_act_on_is_covered_once_the_plan_ran,
    check_a_job_stopped_after_any_step_resumes_with_exactly_the_rest,
]


# No deadline and no too-slow check: a loaded CI machine must not turn slowness into failure.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_the_planners_invariants_hold_in_any_world(world):
    result = world.plan()
    for check in INVARIANTS:
        check(world, result)
