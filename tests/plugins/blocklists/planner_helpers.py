"""Plays a plan against a platform state, as the platform would, so a test can plan again."""

from __future__ import annotations

from collections.abc import Iterable

from campaignkit.plugins.blocklists.planner import APPLY, PlatformState, Step
from campaignkit.plugins.blocklists.platforms.base import BLOCK


def run(steps: Iterable[Step], platform: PlatformState) -> PlatformState:
    """The platform after the calls in `steps` succeeded: an apply adds, an undo removes."""
    muted, blocked = set(platform.muted), set(platform.blocked)
    for step in steps:
        held = blocked if step.action == BLOCK else muted
        if step.verb == APPLY:
            held.add(step.target)
        else:
            held.discard(step.target)
    return PlatformState(platform.following, frozenset(muted), frozenset(blocked))
