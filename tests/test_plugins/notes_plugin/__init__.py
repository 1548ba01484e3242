"""A test plugin: a table on its own migration branch and jobs that report progress.

Registered in tests with ``make_app(extra_plugins=[("notes", notes_plugin)])``;
its migrations (``migrations/``) form the ``notes`` branch, which depends on core.
"""

from __future__ import annotations

import time

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from campaignkit import hookimpl
from campaignkit.core import Model, job, write_session


class Note(Model):
    """A note; ``parent_id`` points at another note, so foreign keys can be tested."""

    __tablename__ = "notes_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("notes_note.id"), nullable=True)


@hookimpl
def campaignkit_jobs(huey):
    """Declare the notes jobs on the app's queue."""

    @job(huey, title="Write notes")
    def write_notes(progress, count, fail_at=None, pause=0.0):
        """Write ``count`` notes, reporting progress after each; raise at note ``fail_at``."""
        for number in range(1, count + 1):
            if number == fail_at:
                raise ValueError(f"note {number} is not allowed")
            with write_session() as session:
                session.add(Note(body=f"note {number}"))
            progress.update(number, total=count, message=f"wrote note {number}")
            time.sleep(pause)
