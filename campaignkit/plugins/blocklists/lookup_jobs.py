"""The handle lookup job, and the handle refresh task that keeps listed handles current.

The lookup job is started after an import with handles, by a maintainer, or later. When a
platform's rate limit stops a run, the job finishes saying so and a plain queue task
(``lookup_later``) starts the job again when the window reopens.

The refresh (`handle_refresh`) is a plain queue task per list, queued when a list page is
shown with handles due (`refresh_when_shown`, which never waits for it) and by an hourly
scan. A flag in the queue's store keeps one queued per list; a rate limit schedules the
task again when the window reopens, and the flag is cleared when a run gets through.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from huey import Huey, crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import select

from campaignkit.core import (
    Progress,
    app_store,
    enqueue_job,
    job,
    plugin_settings,
    write_session,
)
from campaignkit.plugins.blocklists.handle_refresh import (
    RefreshReport,
    has_due,
    lists_due,
    refresh_list,
)
from campaignkit.plugins.blocklists.lookup import LookupReport, lookup_list, resolvers
from campaignkit.plugins.blocklists.models import BlockList

log = logging.getLogger(__name__)
LOOKUP_JOB = f"{__name__}.look_up_handles"
LOOKUP_STORE = "blocklists.lookup"
REFRESH_STORE = "blocklists.refresh"
#: A refresh flag older than this is taken to be left by a worker that died.
STALE_FLAG_S = 3600.0


def _refresh_key(list_id: int) -> str:
    return f"blocklists-refresh-queued-{list_id}"


def run_refresh(list_id: int) -> RefreshReport:
    """Refresh a list's due handles now, with the instance's settings."""
    settings = plugin_settings("blocklists")
    return refresh_list(list_id, resolvers(settings), hours=settings.handle_refresh_hours)


def run_lookup(slug: str, progress=lambda *_: None) -> LookupReport:  # noqa: ANN001
    """Look up a list's waiting handles with the instance's settings; raises LookupError."""
    with write_session() as session:
        list_id = session.scalar(select(BlockList.id).where(BlockList.slug == slug))
    if list_id is None:
        raise LookupError(f"There is no list called {slug!r}.")
    settings = plugin_settings("blocklists")
    return lookup_list(
        list_id, resolvers(settings), progress=progress,
        require_second_approval=settings.require_second_approval,
    )  # fmt: skip


def look_up_now(slug: str, progress=lambda *_: None) -> LookupReport:  # noqa: ANN001
    """Run the lookup (in a job); when a rate limit stops it, it starts again at the reset."""
    report = run_lookup(slug, progress)
    if report.retry_at is not None:
        eta = datetime.fromtimestamp(report.retry_at, UTC)
        app_store(LOOKUP_STORE)["later"].schedule(args=(slug,), eta=eta)
    return report


def register(huey: Huey) -> None:
    """Declare the lookup job, and the task that restarts it after a rate limit."""

    @huey.task(name=f"{__name__}.lookup_later")
    def lookup_later(slug: str) -> None:
        """Start the lookup job again (the rate limit that stopped it has reopened)."""
        with huey.flask_app.app_context():
            look_up_handles.enqueue(slug)

    @job(huey, title="Look up handles")
    def look_up_handles(progress: Progress, slug: str) -> str:
        """Give a list's entries waiting by handle their stable ids, with progress."""
        report = look_up_now(slug, lambda d, t, m: progress.update(d, total=t, message=m))
        return report.summary()

    app_store(LOOKUP_STORE, huey.flask_app).update(later=lookup_later)

    @huey.task(name=f"{__name__}.refresh_handles")
    def refresh_handles(list_id: int) -> None:
        """Refresh one list's due handles; again at the rate limit's reset if it stops there."""
        with huey.flask_app.app_context():
            try:
                with huey.lock_task(f"blocklists-refresh-{list_id}"):
                    report = run_refresh(list_id)
            except TaskLockedException:
                return
            log.info("blocklists handle refresh of list %s: %s", list_id, report.summary())
            if report.retry_at is not None:
                eta = datetime.fromtimestamp(report.retry_at, UTC)
                refresh_handles.schedule(args=(list_id,), eta=eta)
            else:
                huey.get(_refresh_key(list_id))  # done: a page may queue the next one

    @huey.periodic_task(crontab(minute="23"), name="campaignkit.plugins.blocklists.refresh_scan")
    def refresh_scan() -> None:
        """Every hour: queue the refresh of every list with handles due."""
        with huey.flask_app.app_context():
            for list_id in lists_due(plugin_settings("blocklists").handle_refresh_hours):
                request_refresh(list_id)

    app_store(REFRESH_STORE, huey.flask_app).update(huey=huey, task=refresh_handles)


def start_lookup(slug: str) -> str:
    """Queue the lookup job for a list; returns the job id."""
    return enqueue_job(LOOKUP_JOB, slug)


def request_refresh(list_id: int) -> bool:
    """Queue the handle refresh of a list unless one is queued already; True if queued."""
    store = app_store(REFRESH_STORE)
    huey, key, stamp = store["huey"], _refresh_key(list_id), time.time()
    if not huey.put_if_empty(key, str(stamp)):
        queued_at = float(huey.get(key, peek=True) or 0)
        if stamp - queued_at < STALE_FLAG_S:
            return False
        huey.put(key, str(stamp))
    store["task"](list_id)
    return True


def refresh_when_shown(list_id: int) -> None:
    """For a list page: queue the handle refresh if some handles are due; never fails the page."""
    try:
        if has_due(list_id, plugin_settings("blocklists").handle_refresh_hours):
            request_refresh(list_id)
    except Exception:  # the page shows what is stored; the hourly scan queues it instead
        log.exception("could not queue the handle refresh of blocklist %s", list_id)
