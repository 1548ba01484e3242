"""The handle lookup job: started after an import with handles, by a maintainer, or later.

When a platform's rate limit stops a run, the job finishes saying so and a plain queue
task (``lookup_later``) starts the job again when the window reopens.
"""

from __future__ import annotations

from datetime import UTC, datetime

from huey import Huey
from sqlalchemy import select

from campaignkit.core import Progress, enqueue_job, job, plugin_settings, write_session
from campaignkit.plugins.blocklists.lookup import LookupReport, lookup_list, resolvers
from campaignkit.plugins.blocklists.models import BlockList

LOOKUP_JOB = f"{__name__}.look_up_handles"


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
        report = run_lookup(slug, lambda d, t, m: progress.update(d, total=t, message=m))
        if report.retry_at is not None:
            lookup_later.schedule(args=(slug,), eta=datetime.fromtimestamp(report.retry_at, UTC))
        return report.summary()


def start_lookup(slug: str) -> str:
    """Queue the lookup job for a list; returns the job id."""
    return enqueue_job(LOOKUP_JOB, slug)
