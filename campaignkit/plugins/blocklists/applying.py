"""The apply job for one connected account: plan, then make each call once, paced.

`run_apply` reads the connection's subscriptions and the live entries of its lists, the
platform's state (following, muted, blocked) and our record, plans with `planner.plan`,
stores ``record_now`` and the steps, then runs the steps in order. Each step is marked
"sent" (committed) before its call and "done" with the target's new record right after
(committed), so a call that succeeded is never made again and none is missed: a step
found "sent" at the start (a worker killed in between) is settled by looking at the
platform's state instead of calling again.

Calls are paced by one `pacing.Pacer` per endpoint with the platform's published limit
and its rate-limit headers. A wait longer than ``max_wait`` seconds (a 429, a spent
window, a back-off after a 5xx) ends the run with `Outcome.resume_at`; the caller sets
``Connection.not_before`` and runs again then (the job is queued again by the periodic
scan in apply_queue). A refused token sets the connection to "reconnect".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from campaignkit.core import write_session
from campaignkit.plugins.blocklists import apply_ledger, planner
from campaignkit.plugins.blocklists.apply_changes import needs_plan
from campaignkit.plugins.blocklists.connect_x import ConnectError, refresh_x_tokens
from campaignkit.plugins.blocklists.connecting_platform import platform_for
from campaignkit.plugins.blocklists.credentials import seal
from campaignkit.plugins.blocklists.ledger import DONE, FAILED, PENDING, SENT, SKIPPED, Step
from campaignkit.plugins.blocklists.pacing import Clock, Pacer, SystemClock
from campaignkit.plugins.blocklists.platforms.base import (
    BLOCK,
    MUTE,
    AuthExpired,
    Platform,
    PlatformError,
    RateLimited,
    TargetGone,
    Unavailable,
)
from campaignkit.plugins.blocklists.subscribers import CONNECTED, RECONNECT, Connection

#: Published limits per platform and call: (calls, window seconds).
LIMITS = {
    "x": {"mute": (50, 900), "block": (50, 900)},
    "mastodon": {"mute": (300, 300), "block": (300, 300)},
    # Bluesky: mutes cost requests only; a block record costs 3 of 5,000 points an hour.
    "bluesky": {"mute": (3000, 300), "block": (1666, 3600)},
}
#: A 5xx or timeout is tried this many times before the step fails; waits double from BACKOFF_S.
MAX_ATTEMPTS, BACKOFF_S = 5, 30.0
#: A worker waits at most this long between calls; a longer wait ends the run until then.
MAX_WAIT_S = 60.0
#: Pending steps read at once, and how often (in calls) the estimated finish is stored.
BATCH, ESTIMATE_EVERY = 500, 20
#: Outcome states.
FINISHED, WAITING, STOPPED = "finished", "waiting", "stopped"


@dataclass
class Outcome:
    """How a run ended: steps done of total, and when to run again if it must wait."""

    state: str  # FINISHED, WAITING, STOPPED (max_steps reached) or RECONNECT
    done: int
    total: int
    resume_at: float | None = None
    message: str = ""


def _pacer_key(platform: str, step: Step) -> str:
    if platform == "x":
        return f"{step.verb} {step.action}"  # X has separate windows for mute and unmute
    return "block" if platform == "bluesky" and step.action == BLOCK else "all"


def refresh_credentials(connection_id: int, platform: str) -> bool:
    """Renew a refused X token with its refresh token before asking to connect again.

    Returns True once new credentials are stored (the run then tries once more), False
    for other platforms (nothing to renew) or when X refuses the refresh token too.
    Raises `Unavailable` when X does not answer (the run waits and tries again).
    """
    if platform != "x":
        return False
    with write_session() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            return False
        try:
            refresh_x_tokens(connection)
        except (AuthExpired, ConnectError):
            return False  # the refresh token is refused too, or X is no longer set up
    return True


class ApplyRun:
    """One run of the apply job for one connection (see the module docstring)."""

    def __init__(
        self, connection_id: int, clock: Clock | None = None, max_wait: float = MAX_WAIT_S
    ) -> None:
        self.connection_id = connection_id
        self.clock = clock if clock is not None else SystemClock()
        self.max_wait = max_wait
        self.pacers: dict[str, Pacer] = {}
        self.platform: Platform | None = None
        self.platform_name = ""
        self.refreshed = False

    # ---- the parts of a run ----

    def _store_session(self, session_string: str) -> None:
        with write_session() as session:
            connection = session.get(Connection, self.connection_id)
            if connection is not None:
                connection.credentials = seal("bluesky", {"session": session_string})

    def _pacer(self, step: Step) -> Pacer:
        key = _pacer_key(self.platform_name, step)
        if key not in self.pacers:
            limit, window = LIMITS[self.platform_name][step.action]
            self.pacers[key] = Pacer(limit, window, self.clock, spread=False)
        return self.pacers[key]

    def _state(self) -> planner.PlatformState:
        platform = self.platform
        return planner.PlatformState(
            frozenset(platform.following_ids()),
            frozenset(platform.muted_ids()),
            frozenset(platform.blocked_ids()),  # their own blocks too: never touched
        )

    def settle_sent(self, state: planner.PlatformState) -> None:
        """Steps left "sent" by a killed worker: done if the platform shows it, else pending."""
        with write_session() as session:
            sent = session.scalars(
                select(Step).where(Step.connection_id == self.connection_id, Step.state == SENT)
            ).all()
            for step in sent:
                in_force = state.in_force(step.action, step.target_id)
                if in_force == (step.verb == planner.APPLY):
                    self._mark_done(session, step)
                else:
                    step.state = PENDING

    def plan(self, state: planner.PlatformState) -> None:
        """Plan against the platform's state; store record_now and the steps."""
        with write_session() as session:
            connection = session.get(Connection, self.connection_id)
            planned_at = apply_ledger.utcnow()
            subscriptions = apply_ledger.subscriptions_of(session, self.connection_id)
            raw = apply_ledger.live_entries(session, connection, [s.list_id for s in subscriptions])
            entries, handles = apply_ledger.resolve_targets(
                session, connection, raw, self.platform.lookup_handles
            )
            auto = apply_ledger.auto_targets(session, self.connection_id)
            if auto:  # the auto rules' accounts, muted as if from a list of their own
                subscriptions.append(planner.Subscription(planner.AUTO, MUTE, planner.ANY))
                entries[planner.AUTO] = frozenset(auto)
                handles = {**auto, **handles}
            record = apply_ledger.load_record(session, self.connection_id)
            result = planner.plan(subscriptions, entries, state, record, self.platform.actions)
            apply_ledger.store_record(session, self.connection_id, result.record_now)
            apply_ledger.replace_steps(session, self.connection_id, result.steps, handles)
            connection.planned_at = planned_at

    def _mark_done(self, session, step: Step) -> None:  # noqa: ANN001
        row = session.get(apply_ledger.AppliedAction, (self.connection_id, step.target_id))
        held = None
        if row is not None:
            held = planner.AppliedTarget(
                apply_ledger._split(row.actions), apply_ledger._split(row.lists)
            )
        entry = planner.entry_after_step(held, apply_ledger.as_planner_step(step))
        apply_ledger.store_target(session, self.connection_id, step.target_id, entry, row)
        step.state, step.done_at = DONE, apply_ledger.utcnow()

    def _update(self, step_id: int, **values) -> None:  # noqa: ANN003
        with write_session() as session:
            if values.get("state") != DONE:  # one UPDATE, no read: this is on every call's path
                session.execute(update(Step).where(Step.id == step_id).values(**values))
                return
            step = session.get(Step, step_id)
            for name, value in values.items():
                setattr(step, name, value)
            if values.get("state") == DONE:
                step.state = SENT
                self._mark_done(session, step)

    def _counts(self) -> tuple[int, int]:
        with write_session() as session:
            rows = dict(
                session.execute(
                    select(Step.state, func.count())
                    .where(Step.connection_id == self.connection_id)
                    .group_by(Step.state)
                ).all()
            )
        pending = rows.get(PENDING, 0) + rows.get(SENT, 0)
        return pending, sum(rows.values())

    def _set_connection(self, **values) -> None:  # noqa: ANN003
        with write_session() as session:
            connection = session.get(Connection, self.connection_id)
            for name, value in values.items():
                setattr(connection, name, value)

    def _when(self, unix: float) -> datetime:
        return datetime.fromtimestamp(unix, UTC)

    # ---- the run ----

    def run(
        self,
        max_steps: int | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Outcome:
        """Plan if needed and make the pending calls; see `Outcome` for how it ended."""
        with write_session() as session:
            connection = session.get(Connection, self.connection_id)
            if connection is None:
                return Outcome(STOPPED, 0, 0, message="The account is no longer connected.")
            if connection.status != CONNECTED:
                return Outcome(RECONNECT, 0, 0, message=connection.last_error)
            self.platform_name = connection.platform
            session.expunge(connection)
        try:
            self.platform = platform_for(connection, self._store_session)
            with write_session() as session:
                has_sent = session.scalars(
                    select(Step.id).where(
                        Step.connection_id == self.connection_id, Step.state == SENT
                    )
                ).first()
                replan = needs_plan(session, connection)
            if has_sent is not None or replan:
                state = self._state()
                self.settle_sent(state)
                if replan:
                    self.plan(state)
            return self._run_steps(max_steps, on_progress)
        except AuthExpired as error:
            try:
                renewed = not self.refreshed and refresh_credentials(
                    self.connection_id, self.platform_name
                )
            except Unavailable as unavailable:
                return self._wait_after(unavailable)
            if renewed:
                self.refreshed = True  # new credentials stored: try once more with them
                return self.run(max_steps, on_progress)
            self._set_connection(status=RECONNECT, last_error=str(error), estimated_finish=None)
            return Outcome(RECONNECT, *self._done_total(), message=str(error))
        except (RateLimited, Unavailable) as error:
            return self._wait_after(error)
        except PlatformError as error:  # e.g. a 403 for an access level without the endpoint
            self._set_connection(last_error=str(error))
            return Outcome(STOPPED, *self._done_total(), message=str(error))

    def _wait_after(self, error: RateLimited | Unavailable) -> Outcome:
        """Store when the run may go on (a 429's reset, or a back-off) and say so."""
        retry_at = getattr(error, "retry_at", self.clock.time() + BACKOFF_S)
        self._set_connection(not_before=self._when(retry_at), last_error=str(error))
        return Outcome(WAITING, *self._done_total(), resume_at=retry_at, message=str(error))

    def _done_total(self) -> tuple[int, int]:
        pending, total = self._counts()
        return total - pending, total

    def _may_wait_for(self, unix: float) -> bool:
        """Whether waiting until `unix` is within max_wait (False: the run ends instead)."""
        return unix - self.clock.time() <= self.max_wait

    def _next_steps(self) -> list[Step]:
        """The next batch of pending steps, in order (detached)."""
        with write_session() as session:
            found = session.scalars(
                select(Step)
                .where(Step.connection_id == self.connection_id, Step.state == PENDING)
                .order_by(Step.id)
                .limit(BATCH)
            ).all()
            for step in found:
                session.expunge(step)
            return list(found)

    def _run_steps(self, max_steps, on_progress) -> Outcome:  # noqa: ANN001
        pending, total = self._counts()
        made, batch = 0, []
        while True:
            if not batch:
                batch = self._next_steps()
            if on_progress is not None:
                on_progress(total - pending, total)
            if not batch:
                self._set_connection(not_before=None, estimated_finish=None, last_error="")
                return Outcome(FINISHED, total - pending, total)
            if max_steps is not None and made >= max_steps:
                return Outcome(STOPPED, total - pending, total)
            step = batch[0]
            pacer = self._pacer(step)
            if not self._may_wait_for(pacer.next_call_at):
                finish = self._when(pacer.estimated_finish(pending))
                resume = pacer.next_call_at
                self._set_connection(not_before=self._when(resume), estimated_finish=finish)
                return Outcome(WAITING, total - pending, total, resume_at=resume)
            if made % ESTIMATE_EVERY == 0:
                self._set_connection(estimated_finish=self._when(pacer.estimated_finish(pending)))
            # Marked sent before the wait, so the commit overlaps it and the call goes out
            # as the window reopens; a worker killed while waiting leaves a "sent" step
            # that the next run finds not in force: pending.
            self._update(step.id, state=SENT, attempts=step.attempts + 1)
            pacer.wait_before_call()
            if self._call(step, pacer):
                batch.pop(0)
                pending -= 1
                made += 1
            else:
                batch = []  # the step is pending again (or waits): read it afresh

    def _call(self, step: Step, pacer: Pacer) -> bool:
        """Make one step's call and record what became of it; False if it stays pending."""
        call = self.platform.apply if step.verb == planner.APPLY else self.platform.undo
        try:
            call(step.action, step.target_id)
        except RateLimited as error:
            self._update(step.id, state=PENDING, attempts=step.attempts)
            pacer.after_rate_limited(error.retry_at)
            self._set_connection(not_before=self._when(error.retry_at))
            return False
        except TargetGone as error:
            note = f"Skipped: the account is gone ({error})."
            self._update(step.id, state=SKIPPED, note=note, done_at=apply_ledger.utcnow())
            pacer.after_call(self.platform.last_rate_limit)
            return True
        except Unavailable as error:
            attempts = step.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                note = f"Failed after {attempts} tries: {error}"
                self._update(step.id, state=FAILED, note=note, done_at=apply_ledger.utcnow())
                return True
            self._update(step.id, state=PENDING, note=f"Will try again: {error}")
            pacer.after_rate_limited(self.clock.time() + BACKOFF_S * 2 ** (attempts - 1))
            return False
        except AuthExpired:
            self._update(step.id, state=PENDING, attempts=step.attempts)
            raise
        except PlatformError as error:
            note = f"Failed: {error}"
            self._update(step.id, state=FAILED, note=note, done_at=apply_ledger.utcnow())
            return True
        pacer.after_call(self.platform.last_rate_limit)  # before the commit: it overlaps
        self._update(step.id, state=DONE, note="")
        return True


#: The connection state a refused token leaves.
RECONNECT = RECONNECT


def run_apply(
    connection_id: int,
    *,
    clock: Clock | None = None,
    max_wait: float = MAX_WAIT_S,
    max_steps: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Run the apply job for one connection now (in the caller's app context)."""
    run = ApplyRun(connection_id, clock, max_wait)
    return run.run(max_steps, on_progress)
