"""Queueing the apply job: at once when a list changes, and every minute for what is due.

`request_apply` queues the job for one connection unless it is already queued (a flag
in the queue's store, taken when the job starts); a running job holds a lock, so two
never run for one connection. `list_changed` queues every subscriber of a list once the
change is committed, so a change reaches every subscriber's queue at once. The periodic
scan (every minute) queues connections whose lists changed since their last plan (an
import, a lookup job, an unsubscribe) and those whose wait (``not_before``) is over, so
nothing waits longer than a minute even if a queue write was lost.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from huey import Huey, crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import event, exists, select
from sqlalchemy.orm import Session

from campaignkit.core import Progress, app_store, job, write_session
from campaignkit.plugins.blocklists.apply_changes import needs_plan
from campaignkit.plugins.blocklists.applying import FINISHED, WAITING, run_apply
from campaignkit.plugins.blocklists.ledger import PENDING, SENT, Step
from campaignkit.plugins.blocklists.subscribers import CONNECTED, Connection, Subscription

log = logging.getLogger(__name__)
STORE = "blocklists.apply"
CHANGED_LISTS = "blocklists_changed_lists"  # in Session.info: lists changed in it
#: A run that finished plans again at most this many times if the lists changed meanwhile.
REPLANS = 3


def _queued_key(connection_id: int) -> str:
    return f"blocklists-apply-queued-{connection_id}"


def register(huey: Huey) -> None:
    """Declare the apply job and the minute scan on a queue."""

    @job(huey, title="Apply blocklists to a connected account")
    def apply_blocklists(progress: Progress, connection_id: int) -> str:
        """Run the pending work of one connection, with progress; queue again when it must wait."""
        huey.get(_queued_key(connection_id))  # take the queued flag: later changes queue again
        try:
            with huey.lock_task(f"blocklists-apply-{connection_id}"):
                return _run(progress, connection_id)
        except TaskLockedException:
            return "Already running for this account."

    def _run(progress: Progress, connection_id: int) -> str:
        for _ in range(REPLANS):
            outcome = run_apply(connection_id, on_progress=lambda d, t: progress.update(d, t))
            if outcome.state != FINISHED or not _still_changed(connection_id):
                break
        if outcome.state == WAITING and outcome.resume_at is not None:
            eta = datetime.fromtimestamp(outcome.resume_at, UTC)
            if huey.put_if_empty(_queued_key(connection_id), "1"):
                apply_blocklists.task.schedule(args=("", connection_id), eta=eta)
        return f"{outcome.done} of {outcome.total} done; {outcome.state}. {outcome.message}"

    @huey.periodic_task(crontab(minute="*"), name="campaignkit.plugins.blocklists.apply_scan")
    def apply_scan() -> None:
        """Every minute: queue the connections with changed lists or work that is due."""
        with huey.flask_app.app_context():
            for connection_id in due_connections():
                request_apply(connection_id)

    app_store(STORE, huey.flask_app).update(huey=huey, job=apply_blocklists)


def _still_changed(connection_id: int) -> bool:
    with write_session() as session:
        connection = session.get(Connection, connection_id)
        return connection is not None and needs_plan(session, connection)


def request_apply(connection_id: int) -> bool:
    """Queue the apply job for one connection now; False if it was already queued."""
    store = app_store(STORE)
    if not store["huey"].put_if_empty(_queued_key(connection_id), "1"):
        return False
    try:
        store["job"].enqueue(connection_id)
    except Exception:
        store["huey"].get(_queued_key(connection_id))
        raise
    return True


def due_connections(now: datetime | None = None) -> list[int]:
    """Connected accounts whose lists changed since their plan, or whose pending work is due."""
    now = now or datetime.now(UTC)
    with write_session() as session:
        connections = session.scalars(
            select(Connection).where(Connection.status == CONNECTED).order_by(Connection.id)
        ).all()
        due = []
        for connection in connections:
            waiting = connection.not_before is not None and _aware(connection.not_before) > now
            has_work = session.scalar(
                select(exists().where(Step.connection_id == connection.id,
                                      Step.state.in_((PENDING, SENT))))
            )  # fmt: skip
            if not waiting and (has_work or needs_plan(session, connection)):
                due.append(connection.id)
        return due


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def list_changed(session: Session, list_id: int) -> None:
    """Once `session` commits, queue the apply job for every connection subscribed to the list."""
    changed = session.info.setdefault(CHANGED_LISTS, set())
    if not changed:
        event.listen(session, "after_commit", _queue_subscribers, once=True)
    changed.add(list_id)


def _queue_subscribers(session: Session) -> None:
    list_ids = session.info.pop(CHANGED_LISTS, set())
    try:
        with write_session() as reading:
            ids = set(
                reading.scalars(
                    select(Subscription.connection_id).where(Subscription.list_id.in_(list_ids))
                )
            )
        for connection_id in sorted(ids):
            request_apply(connection_id)
    except Exception:  # the change is committed; the minute scan queues it instead
        log.exception("could not queue the blocklists apply job for lists %s", sorted(list_ids))
