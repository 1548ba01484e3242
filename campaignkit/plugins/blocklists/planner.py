"""The subscriber's promises, written once: what to mute, block or undo on one account.

`plan` is a pure function. It gets, for one connected account, the subscriptions, the
live entries of each subscribed list, what the platform says now and our own record of
what we applied, and returns the calls to make (in order) and the record to keep. It
makes no call, reads no database and has no clock, so the apply job, the tests and the
benchmark all use the same rules. docs/blocklists-promises.md says them in plain words.

The record holds, per target, the actions *we* put in force (`AppliedTarget.actions`)
and the lists that ask for them, plus the "hands off" targets: those the subscriber
undid by hand after we applied something. Anything muted or blocked on the platform
that is not in the record is the subscriber's own, and we never touch it.

For a crash-safe job the record is stored in two moves: `Plan.record_now` (changes that
need no call) before the first call, then the target's `entry_after_step` after each
call succeeds.
The platform state given to `plan` must be read after every recorded call returned;
otherwise a call still in flight looks like something the subscriber undid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .platforms.base import BLOCK, MUTE

#: Subscription modes: every account on this list, or only accounts on all my lists.
ANY = "any"
ALL = "all"

#: The pseudo-list of the auto rules (accounts that mentioned the subscriber and look new
#: or thin): subscribed as ANY mute when it has targets, and never part of ALL's "every list".
AUTO = "auto"

#: Why a step is in the plan (shown in the subscriber's log).
LISTED = "listed"  # a subscribed list asks for it and nothing was in force
UPGRADE = "upgrade"  # a list now asks for block where we had muted
DOWNGRADE = "downgrade"  # no list asks for block any more, one still asks for mute
UNLISTED = "unlisted"  # no subscribed list asks for this account any more

#: A step's verb: put an action in force, or take it off.
APPLY = "apply"
UNDO = "undo"

#: The stronger action first: block wins over mute where the platform allows block.
_STRENGTH = (BLOCK, MUTE)


@dataclass(frozen=True)
class Subscription:
    """One list the connected account subscribes to, with the action and mode chosen."""

    list_id: str
    action: str  # MUTE or BLOCK
    mode: str = ANY  # ANY: every entry; ALL: only accounts on every subscribed list

    def __post_init__(self) -> None:
        if self.action not in _STRENGTH:
            raise ValueError(f"a subscription's action must be mute or block, not {self.action!r}")
        if self.mode not in (ANY, ALL):
            raise ValueError(f"a subscription's mode must be any or all, not {self.mode!r}")


@dataclass(frozen=True)
class PlatformState:
    """What the platform says now about the connected account (read after the last call)."""

    following: frozenset[str] = frozenset()
    muted: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()

    def in_force(self, action: str, target: str) -> bool:
        """Whether `action` (mute or block) is on `target` now, whoever put it there."""
        return target in (self.blocked if action == BLOCK else self.muted)


@dataclass(frozen=True)
class AppliedTarget:
    """What we put in force on one target, and which subscribed lists ask for it.

    Usually one action; both for the moment between the two calls of an upgrade or a
    downgrade (the new action is applied before the old one is undone, so the target is
    never left uncovered), or while the platform does not allow undoing the old one.
    `lists` can be empty while the subscriber follows the target: we then wait, making
    no call, until they stop following it.
    """

    actions: frozenset[str]
    lists: frozenset[str]


@dataclass(frozen=True)
class AppliedRecord:
    """Our own record for one connected account: what we applied, and hands-off targets."""

    targets: Mapping[str, AppliedTarget] = field(default_factory=dict)
    hands_off: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))


@dataclass(frozen=True)
class Step:
    """One platform call: `verb` ("apply" or "undo") `action` on `target`.

    `lists` is what the record keeps for the target once the call succeeded; `reason`
    is one of LISTED, UPGRADE, DOWNGRADE or UNLISTED.
    """

    verb: str
    action: str
    target: str
    reason: str
    lists: frozenset[str]


@dataclass(frozen=True)
class Plan:
    """The calls to make, in order, and the record before and after them.

    Steps for one target must run in the order given; steps for different targets are
    independent. `record_now` is safe to store before any call; `record_when_done` is
    what the record is once every step succeeded.
    """

    steps: tuple[Step, ...]
    record_now: AppliedRecord
    record_when_done: AppliedRecord


def wanted_actions(
    subscriptions: Iterable[Subscription],
    entries: Mapping[str, frozenset[str]],
    allowed_actions: frozenset[str],
) -> dict[str, tuple[str, frozenset[str]]]:
    """For each target some subscription asks for: the action to put in force and the lists.

    An ANY subscription asks for every live entry of its list. An ALL subscription asks
    only for accounts live on every list this account subscribes to, whatever the other
    subscriptions' modes (the auto rules' pseudo-list `AUTO` does not count as a list).
    Several asks on one target give block if any of them asks for
    block and the platform allows it, else mute (a block that the platform does not allow
    falls back to mute: the subscriber wanted at least that).
    """
    subscriptions = tuple(subscriptions)
    for subscription in subscriptions:
        if subscription.list_id not in entries:
            raise ValueError(f"no entries given for subscribed list {subscription.list_id!r}")
    every_list = [frozenset(entries[s.list_id]) for s in subscriptions if s.list_id != AUTO]
    on_every_list = every_list[0].intersection(*every_list[1:]) if every_list else frozenset()

    asks: dict[str, dict[str, set[str]]] = {}  # target -> action -> lists asking
    for subscription in subscriptions:
        covered = entries[subscription.list_id] if subscription.mode == ANY else on_every_list
        for target in covered:
            by_action = asks.setdefault(target, {})
            by_action.setdefault(subscription.action, set()).add(subscription.list_id)

    wanted: dict[str, tuple[str, frozenset[str]]] = {}
    for target, by_action in asks.items():
        action = _strongest_allowed(by_action, allowed_actions)
        if action is not None:
            lists = frozenset().union(*by_action.values())
            wanted[target] = (action, lists)
    return wanted


def _strongest_allowed(by_action: Mapping[str, set[str]], allowed: frozenset[str]) -> str | None:
    """Block if asked and allowed; else mute if allowed (asked for directly or via block)."""
    if BLOCK in by_action and BLOCK in allowed:
        return BLOCK
    return MUTE if MUTE in allowed else None


def plan(
    subscriptions: Iterable[Subscription],
    entries: Mapping[str, frozenset[str]],
    platform: PlatformState,
    record: AppliedRecord,
    allowed_actions: frozenset[str] = frozenset({MUTE, BLOCK}),
) -> Plan:
    """Compare what the lists ask for with what is in force, and plan the calls between.

    The rules (each has a test in tests/plugins/blocklists/test_blocklists_planner.py):

    - a target we applied something to that is no longer in force was undone by the
      subscriber: it goes to hands off and we never call on it again;
    - a target the subscriber follows gets no call at all; something we applied before
      they followed it stays, in our record, until they stop following it;
    - a target muted or blocked by the subscriber themselves (in force, not in our
      record) gets no call and is not recorded as ours;
    - what no subscribed list asks for any more is undone, but only what we applied;
    - a call is planned only for an action the platform allows now.
    """
    wanted = wanted_actions(subscriptions, entries, allowed_actions)
    hands_off = set(record.hands_off)
    settled: dict[str, AppliedTarget] = {}
    for target, applied in record.targets.items():
        if not applied.actions:
            continue  # nothing of ours in force: nothing to remember
        if all(platform.in_force(action, target) for action in applied.actions):
            settled[target] = applied
        else:
            hands_off.add(target)

    steps: list[Step] = []
    for target in sorted(set(wanted) | set(settled)):
        if target in hands_off:
            settled.pop(target, None)  # left to the subscriber: forgotten, never touched
            continue
        action, lists = wanted.get(target, (None, frozenset()))
        held = settled.get(target)
        if target in platform.following:
            if held is not None:
                settled[target] = replace(held, lists=lists)
            continue
        if held is None:
            theirs = platform.in_force(MUTE, target) or platform.in_force(BLOCK, target)
            if action is None or theirs:
                continue  # nothing asked, or the subscriber's own mute or block
            steps.append(Step(APPLY, action, target, LISTED, lists))
            continue
        settled[target] = replace(held, lists=lists)
        steps.extend(
            _steps_for_held(target, held.actions, action, lists, platform, allowed_actions)
        )

    record_now = AppliedRecord(settled, frozenset(hands_off))
    return Plan(tuple(steps), record_now, _record_after_steps(record_now, steps))


def _steps_for_held(
    target: str,
    held: frozenset[str],
    action: str | None,
    lists: frozenset[str],
    platform: PlatformState,
    allowed: frozenset[str],
) -> list[Step]:
    """The calls that take a target we hold actions on to the wanted action (or to none).

    The new action is applied before the old one is undone. When the subscriber has put
    the wanted block in force themselves we claim nothing and keep our mute beneath it;
    a block no list asks for any more is always undone.
    """
    steps: list[Step] = []
    reason = UNLISTED if action is None else (UPGRADE if action == BLOCK else DOWNGRADE)
    covered_by_them = (
        action not in held and action is not None and platform.in_force(action, target)
    )
    if action is not None and action not in held and not covered_by_them:
        steps.append(Step(APPLY, action, target, reason, lists))
    for old in sorted(held - {action}):
        if covered_by_them and action == BLOCK:
            continue  # our mute stays beneath the subscriber's own block
        if old not in allowed:
            continue  # cannot be undone on this platform now; kept in the record
        steps.append(Step(UNDO, old, target, reason, lists))
    return steps


def entry_after_step(entry: AppliedTarget | None, step: Step) -> AppliedTarget | None:
    """One target's record entry once `step`'s call succeeded (None: nothing of ours left).

    The apply job stores this for `step.target` right after the call, before the next.
    """
    actions = entry.actions if entry is not None else frozenset()
    actions = actions | {step.action} if step.verb == APPLY else actions - {step.action}
    return AppliedTarget(actions, step.lists) if actions else None


def record_after_step(record: AppliedRecord, step: Step) -> AppliedRecord:
    """The whole record once `step`'s call succeeded (see `entry_after_step` for one row)."""
    return _record_after_steps(record, [step])


def _record_after_steps(record: AppliedRecord, steps: Iterable[Step]) -> AppliedRecord:
    """The record once every step succeeded, in one pass."""
    targets = dict(record.targets)
    for step in steps:
        entry = entry_after_step(targets.get(step.target), step)
        if entry is None:
            targets.pop(step.target, None)
        else:
            targets[step.target] = entry
    return AppliedRecord(targets, record.hands_off)
