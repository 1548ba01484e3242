"""The import job: an uploaded file is saved in the instance, imported in the background, removed.

The organiser watches the job's page (``/jobs/<id>``); a refused file fails the
job with the bad lines in its message, and nothing is stored. A file with handles goes
on to the handle lookup in the same job, so its message names each handle that was
not found by its line in the file.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from huey import Huey
from werkzeug.datastructures import FileStorage

from campaignkit.core import Progress, enqueue_job, job, plugin_settings
from campaignkit.plugins.blocklists.imports import import_file
from campaignkit.plugins.blocklists.lookup_jobs import look_up_now

IMPORT_JOB = f"{__name__}.import_blocklist_file"
UPLOAD_FOLDER = "blocklists-imports"


def register(huey: Huey) -> None:
    """Declare the import job on a queue."""

    @job(huey, title="Import a blocklist file")
    def import_blocklist_file(  # noqa: PLR0913 - the job's arguments, all plain values
        progress: Progress, slug: str, path: str, platform: str, actor_id: int, name: str
    ) -> str:
        """Import one uploaded file into a list, with progress; the file is removed after."""

        def report(done: int, total: int | None, message: str) -> None:
            progress.update(done, total=total, message=message)

        try:
            result = import_file(
                slug, Path(path), default_platform=platform, actor_id=actor_id, name=name,
                require_second_approval=plugin_settings("blocklists").require_second_approval,
                progress=report,
            )  # fmt: skip
        finally:
            Path(path).unlink(missing_ok=True)
        if result.waiting:
            return f"{result.summary()} {look_up_now(slug, report).summary()}"
        return result.summary()


def start_import(slug: str, upload: FileStorage, platform: str, actor_id: int) -> str:
    """Save an uploaded file in the instance and start importing it; returns the job id."""
    folder = Path(current_app.instance_path) / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    upload.save(path)
    name = Path(upload.filename or "upload.csv").name[:200]
    try:
        return enqueue_job(IMPORT_JOB, slug, str(path), platform, actor_id, name)
    except Exception:
        path.unlink(missing_ok=True)
        raise
