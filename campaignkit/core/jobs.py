"""Background jobs on Huey, with progress that a page can show.

Each instance has one Huey queue: SQLite storage in the instance by default,
Redis when ``redis_url`` is configured. ``campaignkit worker`` consumes it.
Plugins declare jobs in ``campaignkit_jobs(huey)``::

    @hookimpl
    def campaignkit_jobs(huey):
        @job(huey, title="Import results")
        def import_results(progress, path):
            for done, row in enumerate(rows, 1):
                ...
                progress.update(done, total=len(rows), message=row.name)

and start them with ``import_results.enqueue(path)`` or, from anywhere in the
app, ``enqueue_job("<module>.import_results", path)``; both return a job id;
``/jobs/<id>`` shows its progress. Every declared job is also listed by name
in ``registered_jobs(huey)``.

A job's state lives in the ``ck_jobs`` table, not in Huey's result store
(which is switched off, so nothing piles up in Redis or the queue file).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey import signals as huey_signals
from sqlalchemy import DateTime, Integer, String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.db import Database, Model
from campaignkit.core.state import app_state, current_database

QUEUE_FILE = "jobs.sqlite3"
PROGRESS_INTERVAL_S = 0.25
#: How long ``campaignkit worker`` lets running jobs finish after SIGTERM or SIGINT.
SHUTDOWN_TIMEOUT_S = 30.0
#: Finished job records older than this are removed by the nightly clean-up.
JOB_RECORD_RETENTION_DAYS = 30
INTERRUPTED_MESSAGE = "Interrupted: the worker stopped before the job finished. Start it again."


class JobRecord(Model):
    """One enqueued job and how far it has got."""

    __tablename__ = "ck_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None when the total is not known."""
        if not self.total:
            return 100 if self.status == "done" else None
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        """True once the job has succeeded or failed."""
        return self.status in ("done", "failed")


def queue_name(secret_key: str) -> str:
    """The instance's queue name, derived from its secret key.

    Every process of one instance shares the secret key, and no two instances
    do, so instances sharing a Redis database never take each other's jobs.
    """
    digest = hashlib.sha256(b"campaignkit queue\0" + secret_key.encode()).hexdigest()
    return f"campaignkit-{digest[:16]}"


def make_huey(instance_dir: Path, redis_url: str | None, name: str = "campaignkit") -> Huey:
    """The instance's task queue: Redis when a URL is given, else a SQLite file."""
    if redis_url:
        return RedisHuey(name, url=redis_url, results=False)
    return SqliteHuey(name, filename=str(Path(instance_dir) / QUEUE_FILE), results=False)


def registered_jobs(huey: Huey) -> dict[str, JobHandle]:
    """Every job declared on this queue, by name (``module.function``)."""
    return huey.__dict__.setdefault("campaignkit_jobs", {})


def _now() -> datetime:
    return datetime.now(UTC)


def _update_record(database: Database, job_id: str, **values: Any) -> None:
    with database.write() as session:
        record = session.get(JobRecord, job_id)
        if record is None:
            return
        for key, value in values.items():
            setattr(record, key, value)
        record.updated_at = _now()


class Progress:
    """Handed to a running job so it can say how far it has got."""

    def __init__(self, app: Flask, job_id: str):
        self._database = current_database(app)
        self.job_id = job_id
        self._last_write = 0.0
        self._unwritten: dict[str, Any] = {}

    def _write(self, **values: Any) -> None:
        _update_record(self._database, self.job_id, **values)

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress; written at most four times a second, and always at the end."""
        self._unwritten["done"] = done
        if total is not None:
            self._unwritten["total"] = total
        if message is not None:
            self._unwritten["message"] = message[:2000]
        finished = total is not None and done >= total
        now = time.monotonic()
        if now - self._last_write < PROGRESS_INTERVAL_S and not finished:
            return
        self._last_write = now
        values, self._unwritten = self._unwritten, {}
        self._write(**values)

    def start(self) -> None:
        """Mark the job as running."""
        self._write(status="running")

    def finish(self, message: str = "Done") -> None:
        """Mark the job as done, with the last progress reported."""
        values, self._unwritten = self._unwritten, {}
        self._write(**{**values, "status": "done", "message": message[:2000]})

    def fail(self, message: str) -> None:
        """Mark the job as failed with a message for the person watching."""
        values, self._unwritten = self._unwritten, {}
        self._write(**{**values, "status": "failed", "message": message[:2000]})


class JobHandle:
    """A declared job: ``enqueue(...)`` starts it and returns its id."""

    def __init__(self, huey: Huey, task: Any, name: str, title: str):
        self.huey = huey
        self.task = task
        self.name = name
        self.title = title

    def enqueue(self, *args: Any, **kwargs: Any) -> str:
        """Record the job as queued, put it on the queue, and return its id.

        If the queue cannot be reached, the record is marked failed and the
        error is raised.
        """
        job_id = str(uuid.uuid4())
        database = current_database(self.huey.flask_app)
        with database.write() as session:
            now = _now()
            session.add(
                JobRecord(
                    id=job_id,
                    name=self.name,
                    title=self.title,
                    status="queued",
                    done=0,
                    total=None,
                    message="Waiting for a worker",
                    created_at=now,
                    updated_at=now,
                )
            )
        try:
            self.task(job_id, *args, **kwargs)
        except Exception as exc:
            _update_record(
                database, job_id, status="failed", message=f"Could not be queued: {exc}"[:2000]
            )
            raise
        return job_id

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return self.enqueue(*args, **kwargs)


def job(huey: Huey, title: str | None = None, **task_options: Any) -> Callable[..., JobHandle]:
    """Declare a background job; the function gets a ``Progress`` as first argument.

    A job that returns a string finishes with it as its message (what it did, in
    a sentence); any other return value finishes it with "Done".
    """

    def decorate(function: Callable[..., Any]) -> JobHandle:
        name = f"{function.__module__}.{function.__name__}"

        @huey.task(name=name, **task_options)
        def run(job_id: str, *args: Any, **kwargs: Any) -> None:
            app = huey.flask_app
            with app.app_context():
                progress = Progress(app, job_id)
                progress.start()
                try:
                    result = function(progress, *args, **kwargs)
                except Exception as exc:
                    progress.fail(f"{type(exc).__name__}: {exc}")
                    raise
                progress.finish(result if isinstance(result, str) else "Done")

        handle = JobHandle(
            huey, run, name, title or function.__name__.replace("_", " ").capitalize()
        )
        registered_jobs(huey)[name] = handle
        return handle

    return decorate


def enqueue_job(name: str, *args: Any, **kwargs: Any) -> str:
    """Start the current app's job called ``name`` (``module.function``); returns its id.

    A plugin declares the job in ``campaignkit_jobs(huey)`` and starts it from
    a view with ``enqueue_job("campaignkit_myplugin.jobs.import_results", path)``;
    ``/jobs/<id>`` shows its progress. An unknown name raises ``LookupError``.
    """
    jobs = registered_jobs(app_state().huey)
    if name not in jobs:
        known = ", ".join(sorted(jobs)) or "none"
        raise LookupError(f"no job named {name!r} is declared; declared jobs: {known}")
    return jobs[name].enqueue(*args, **kwargs)


def register_core_jobs(huey: Huey) -> None:
    """Core's own jobs: removing old finished job records, nightly and on demand."""

    @job(huey, title="Remove old job records")
    def purge_job_records(progress: Progress, days: int = JOB_RECORD_RETENTION_DAYS) -> None:
        """Delete finished job records last updated more than ``days`` days ago."""
        cutoff = _now() - timedelta(days=days)
        database = current_database(huey.flask_app)
        with database.write() as session:
            removed = session.execute(
                delete(JobRecord).where(
                    JobRecord.status.in_(("done", "failed")), JobRecord.updated_at < cutoff
                )
            ).rowcount
        progress.update(removed, total=removed, message=f"Removed {removed} old job records")

    @huey.periodic_task(crontab(minute="40", hour="3"), name="campaignkit.core.jobs.nightly")
    def nightly() -> None:
        purge_job_records.enqueue()


def run_worker(app: Flask, workers: int, shutdown_timeout: float = SHUTDOWN_TIMEOUT_S) -> None:
    """Run the app's jobs in this process until SIGTERM or SIGINT.

    SIGTERM (what service managers send) stops taking new jobs and lets the
    running ones finish for up to ``shutdown_timeout`` seconds; SIGINT stops at
    once. A job cut short either way is marked failed rather than left
    "running" for ever.
    """
    huey = app_state(app).huey
    database = current_database(app)

    @huey.signal(huey_signals.SIGNAL_INTERRUPTED)
    def mark_interrupted(_signal: str, task: Any, *_args: Any) -> None:
        if task.args and isinstance(task.args[0], str):
            _update_record(database, task.args[0], status="failed", message=INTERRUPTED_MESSAGE)

    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        graceful_signal="TERM",
        shutdown_timeout=shutdown_timeout,
    )
    consumer.run()
