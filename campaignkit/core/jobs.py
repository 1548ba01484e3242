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

and start them with ``import_results.enqueue(path)``, which returns a job id;
``/jobs/<id>`` shows its progress.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit.core.db import Model

QUEUE_FILE = "jobs.sqlite3"
PROGRESS_INTERVAL_S = 0.25


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


def make_huey(instance_dir: Path, redis_url: str | None, name: str = "campaignkit") -> Huey:
    """The instance's task queue: Redis when a URL is given, else a SQLite file."""
    if redis_url:
        return RedisHuey(name, url=redis_url)
    return SqliteHuey(name, filename=str(Path(instance_dir) / QUEUE_FILE))


def _now() -> datetime:
    return datetime.now(UTC)


class Progress:
    """Handed to a running job so it can say how far it has got."""

    def __init__(self, app: Flask, job_id: str):
        self._database = app.extensions["campaignkit"].database
        self.job_id = job_id
        self._last_write = 0.0

    def _write(self, **values: Any) -> None:
        with self._database.write() as session:
            record = session.get(JobRecord, self.job_id)
            if record is None:
                return
            for key, value in values.items():
                setattr(record, key, value)
            record.updated_at = _now()

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress; written at most four times a second, and always at the end."""
        now = time.monotonic()
        if now - self._last_write < PROGRESS_INTERVAL_S and (total is None or done < total):
            return
        self._last_write = now
        values: dict[str, Any] = {"done": done}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message[:2000]
        self._write(**values)

    def start(self) -> None:
        """Mark the job as running."""
        self._write(status="running")

    def finish(self, message: str = "Done") -> None:
        """Mark the job as done."""
        self._write(status="done", message=message)

    def fail(self, message: str) -> None:
        """Mark the job as failed with a message for the person watching."""
        self._write(status="failed", message=message[:2000])


class JobHandle:
    """A declared job: ``enqueue(...)`` starts it and returns its id."""

    def __init__(self, huey: Huey, task: Any, name: str, title: str):
        self.huey = huey
        self.task = task
        self.name = name
        self.title = title

    def enqueue(self, *args: Any, **kwargs: Any) -> str:
        """Record the job as queued, put it on the queue, and return its id."""
        job_id = str(uuid.uuid4())
        database = self.huey.flask_app.extensions["campaignkit"].database
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
        self.task(job_id, *args, **kwargs)
        return job_id

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return self.enqueue(*args, **kwargs)


def job(huey: Huey, title: str | None = None, **task_options: Any) -> Callable[..., JobHandle]:
    """Declare a background job; the function gets a ``Progress`` as first argument."""

    def decorate(function: Callable[..., Any]) -> JobHandle:
        name = f"{function.__module__}.{function.__name__}"

        @huey.task(name=name, **task_options)
        def run(job_id: str, *args: Any, **kwargs: Any) -> Any:
            app = huey.flask_app
            with app.app_context():
                progress = Progress(app, job_id)
                progress.start()
                try:
                    result = function(progress, *args, **kwargs)
                except Exception as exc:
                    progress.fail(f"{type(exc).__name__}: {exc}")
                    raise
                progress.finish()
                return result

        return JobHandle(huey, run, name, title or function.__name__.replace("_", " ").capitalize())

    return decorate
