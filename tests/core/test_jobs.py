"""Background jobs: progress pages, real workers, the SQLite queue and Redis.

Jobs run in real worker processes: ``campaignkit worker`` for core's own job,
and a small runner (create_app with the notes test plugin, then the same
``run_worker`` the command uses) for the notes plugin's jobs. Redis is used
when ``CAMPAIGNKIT_TEST_REDIS_URL`` is set.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.core.jobs import INTERRUPTED_MESSAGE, JobRecord, Progress

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "test_plugins"
REDIS_ENV = "CAMPAIGNKIT_TEST_REDIS_URL"
REDIS_SETTINGS = ("REDIS_URL", "CAMPAIGNKIT_REDIS_URL")
CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")
WRITE_NOTES = "notes_plugin.write_notes"
PURGE = "campaignkit.core.jobs.purge_job_records"
WAIT_S = 60  # a generous bound: a loaded machine (or a parallel run) starts Python slowly
STOP_S = 30

QUEUES = [
    "sqlite",
    pytest.param(
        "redis", marks=pytest.mark.skipif(not os.environ.get(REDIS_ENV), reason=f"{REDIS_ENV}")
    ),
]

# The notes plugin cannot be enabled by name in a subprocess, so this runner
# builds the app with it registered directly and then runs what
# ``campaignkit worker`` runs.
RUNNER = """
import sys
sys.path.insert(0, sys.argv[1])
import notes_plugin
from campaignkit.core.app import create_app
from campaignkit.core.jobs import run_worker

app = create_app(sys.argv[2], extra_plugins=[("notes", notes_plugin)])
run_worker(app, workers=2, shutdown_timeout=float(sys.argv[3]))
print("runner stopped", flush=True)
"""


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a module
    """The notes test plugin, importable as ``notes_plugin``."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    return importlib.import_module("notes_plugin")


def queue_environ(queue: str) -> dict[str, str]:
    """This process's environment with the Redis setting chosen for ``queue``."""
    environ = {k: v for k, v in os.environ.items() if k not in REDIS_SETTINGS}
    if queue == "redis":
        environ["CAMPAIGNKIT_REDIS_URL"] = os.environ[REDIS_ENV]
    return environ


def wait_until(predicate: Callable[[], object], what: str, timeout: float = WAIT_S) -> object:
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Worker:
    """A worker subprocess whose output goes to a file; always stopped by ``close()``."""

    def __init__(self, command: list[str], log: Path, environ: dict[str, str]):
        self.log = log
        with log.open("w") as handle:
            self.process = subprocess.Popen(
                command, stdout=handle, stderr=subprocess.STDOUT, env=environ
            )

    def alive(self) -> bool:
        """Whether the process is still running; fails the test if it died by itself."""
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited early:\n{self.output()}")
        return True

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` and return the exit status (the process must stop in time)."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"worker ignored {signum!r}:\n{self.output()}") from None

    def output(self) -> str:
        """Everything the worker printed so far."""
        return self.log.read_text()

    def close(self) -> None:
        """Kill the process if it is still running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def start_runner(instance: Path, tmp_path: Path, queue: str, shutdown_timeout: float) -> Worker:
    """The notes-aware worker for ``instance``."""
    command = [sys.executable, "-c", RUNNER, str(PLUGINS_DIR), str(instance), str(shutdown_timeout)]
    return Worker(command, tmp_path / "runner.log", queue_environ(queue))


def job_json(client, job_id: str) -> dict:  # noqa: ANN001 - FlaskClient
    """The job's JSON progress, asserting the request worked."""
    response = client.get(f"/jobs/{job_id}.json")
    assert response.status_code == 200
    return response.get_json()


def finished(client, job_id: str, worker: Worker) -> dict | None:  # noqa: ANN001 - FlaskClient
    """The job's JSON once it has finished, else None; fails if the worker has died."""
    data = worker.alive() and job_json(client, job_id)
    return data if data["status"] in ("done", "failed") else None


def note_count(app, notes) -> int:  # noqa: ANN001 - Flask, module
    """How many notes are in the database."""
    with app.extensions["campaignkit"].database.new_session() as session:
        return session.scalar(select(func.count(notes.Note.id)))


def test_progress_shows_on_the_job_page_and_as_json(app):
    client = app.test_client()
    handle = app.extensions["campaignkit"].jobs[PURGE]
    job_id = handle.enqueue()

    data = job_json(client, job_id)
    assert data["status"] == "queued"
    assert data["title"] == "Remove old job records"
    assert data["percent"] is None
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page
    assert "<progress" in page

    progress = Progress(app, job_id)
    progress.start()
    progress.update(2, total=5, message="second of five")
    data = job_json(client, job_id)
    assert data | {"id": None} == {
        "id": None,
        "title": "Remove old job records",
        "status": "running",
        "done": 2,
        "total": 5,
        "percent": 40,
        "message": "second of five",
    }
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in page
    assert 'value="40"' in page
    assert "40%" in page
    assert "second of five" in page

    progress.update(5, total=5)
    progress.finish("All five")
    data = job_json(client, job_id)
    assert (data["status"], data["percent"], data["message"]) == ("done", 100, "All five")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    assert 'value="100"' in page


def test_a_failed_job_shows_its_message(app):
    client = app.test_client()
    job_id = app.extensions["campaignkit"].jobs[PURGE].enqueue()
    progress = Progress(app, job_id)
    progress.start()
    progress.fail("ValueError: row 7 has no <postcode>")
    data = job_json(client, job_id)
    assert (data["status"], data["message"]) == ("failed", "ValueError: row 7 has no <postcode>")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "ValueError: row 7 has no &lt;postcode&gt;" in page
    assert 'http-equiv="refresh"' not in page


def test_unknown_job_is_404(client):
    page = client.get("/jobs/no-such-job")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    data = client.get("/jobs/no-such-job.json")
    assert data.status_code == 404
    assert data.mimetype == "application/json"
    assert data.get_json()["error"]["code"] == "not_found"


def test_progress_reported_faster_than_written_is_not_lost(app):
    job_id = app.extensions["campaignkit"].jobs[PURGE].enqueue()
    progress = Progress(app, job_id)
    progress.start()
    for done in range(1, 51):  # no total: most of these are not written at once
        progress.update(done, message=f"item {done}")
    progress.finish()
    data = job_json(app.test_client(), job_id)
    assert (data["status"], data["done"], data["percent"]) == ("done", 50, 100)
    assert data["message"] == "Done"


def test_a_job_that_cannot_be_queued_is_marked_failed(make_app):
    closed_port = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app = make_app(environ={"CAMPAIGNKIT_REDIS_URL": closed_port})
    with pytest.raises(redis.exceptions.ConnectionError):
        app.extensions["campaignkit"].jobs[PURGE].enqueue()
    with app.extensions["campaignkit"].database.new_session() as session:
        record = session.scalars(select(JobRecord)).one()
    assert record.status == "failed"
    assert record.message.startswith("Could not be queued")


def test_immediate_jobs_run_inside_enqueue(app, immediate_jobs):
    job_id = app.extensions["campaignkit"].jobs[PURGE].enqueue()
    data = job_json(app.test_client(), job_id)
    assert (data["status"], data["message"], data["percent"]) == ("done", "Done", 100)


def test_old_job_records_are_cleaned_up_nightly(app):
    huey = app.extensions["campaignkit"].huey

    def core_tasks(at: datetime) -> list:  # the kit's plugins have periodic tasks of their own
        return [t for t in huey.read_periodic(at) if t.name.startswith("campaignkit.core.")]

    assert core_tasks(datetime(2026, 5, 1, 12, 7, tzinfo=UTC)) == []
    reminders = core_tasks(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    assert [task.name for task in reminders] == ["campaignkit.core.events.reminders"]
    due = core_tasks(datetime(2026, 5, 1, 3, 40, tzinfo=UTC))
    assert [task.name for task in due] == ["campaignkit.core.jobs.nightly"]
    huey.execute(due[0])  # what the worker's scheduler does at 03:40
    with app.extensions["campaignkit"].database.new_session() as session:
        record = session.scalars(select(JobRecord)).one()
    assert (record.name, record.status) == (PURGE, "queued")
    assert len(huey) == 1


@pytest.mark.slow
@pytest.mark.parametrize("queue", QUEUES)
def test_a_worker_runs_jobs_and_reports_progress(make_app, notes, instance, tmp_path, queue):
    app = make_app(extra_plugins=[("notes", notes)], environ=queue_environ(queue))
    huey = app.extensions["campaignkit"].huey
    assert type(huey).__name__ == ("RedisHuey" if queue == "redis" else "SqliteHuey")
    client = app.test_client()
    write_notes = app.extensions["campaignkit"].jobs[WRITE_NOTES]
    good = write_notes.enqueue(4, pause=0.3)
    bad = write_notes.enqueue(3, fail_at=2)
    assert len(huey) == 2
    worker = start_runner(instance, tmp_path, queue, shutdown_timeout=10)
    try:

        def running() -> dict | None:
            data = worker.alive() and job_json(client, good)
            return data if data["status"] == "running" and 0 < data["done"] < 4 else None

        data = wait_until(running, "the job to report progress")
        assert data["total"] == 4
        assert data["percent"] == 25 * data["done"]
        page = client.get(f"/jobs/{good}").get_data(as_text=True)
        assert '<meta http-equiv="refresh"' in page
        assert "<progress" in page

        data = wait_until(lambda: finished(client, good, worker), "the job to finish")
        assert (data["status"], data["done"], data["total"], data["percent"]) == (
            "done",
            4,
            4,
            100,
        )
        page = client.get(f"/jobs/{good}").get_data(as_text=True)
        assert 'http-equiv="refresh"' not in page
        data = wait_until(lambda: finished(client, bad, worker), "the failing job to stop")
        assert data["status"] == "failed"
        assert data["message"] == "ValueError: note 2 is not allowed"
        assert "ValueError: note 2 is not allowed" in client.get(f"/jobs/{bad}").get_data(
            as_text=True
        )
        assert note_count(app, notes) == 4 + 1  # the failing job wrote note 1 first
        assert len(huey) == 0
        assert huey.result_count() == 0  # job state lives in ck_jobs, not in Huey's results
        assert worker.stop(signal.SIGTERM) == 0, worker.output()
        assert "runner stopped" in worker.output()
    finally:
        worker.close()
        if queue == "redis":
            huey.flush()


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_a_worker_mid_job(make_app, notes, instance, tmp_path, signum):
    """SIGTERM lets the running job finish; SIGINT stops at once and marks it failed."""
    app = make_app(extra_plugins=[("notes", notes)], environ=queue_environ("sqlite"))
    client = app.test_client()
    job_id = app.extensions["campaignkit"].jobs[WRITE_NOTES].enqueue(6, pause=0.25)
    worker = start_runner(instance, tmp_path, "sqlite", shutdown_timeout=10)
    try:
        wait_until(
            lambda: worker.alive() and job_json(client, job_id)["done"] >= 1,
            "the job to start writing notes",
        )
        assert worker.stop(signum) == 0, worker.output()
    finally:
        worker.close()
    data = job_json(client, job_id)
    if signum == signal.SIGTERM:
        assert (data["status"], data["done"]) == ("done", 6)
        assert note_count(app, notes) == 6
    else:
        assert data["status"] == "failed"
        assert data["message"] == INTERRUPTED_MESSAGE
        assert note_count(app, notes) < 6


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_campaignkit_worker_command_runs_core_jobs_and_stops(app, instance, tmp_path, signum):
    database = app.extensions["campaignkit"].database
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=45)
    records = [("old-done", "done", long_ago), ("old-failed", "failed", long_ago)]
    records += [("recent-done", "done", now), ("old-but-queued", "queued", long_ago)]
    with database.write() as session:
        for name, status, when in records:
            session.add(
                JobRecord(
                    id=name,
                    name=name,
                    title="A job",
                    status=status,
                    done=1,
                    total=1,
                    message="",
                    created_at=when,
                    updated_at=when,
                )
            )
    purge = app.extensions["campaignkit"].jobs[PURGE].enqueue()
    command = [str(CAMPAIGNKIT), "--instance", str(instance), "worker", "--workers", "1"]
    worker = Worker(command, tmp_path / "worker.log", queue_environ("sqlite"))
    try:
        client = app.test_client()
        data = wait_until(lambda: finished(client, purge, worker), "the worker to run the purge")
        assert (data["status"], data["message"]) == ("done", "Done"), worker.output()
        assert data["done"] == 2
        assert worker.stop(signum) == 0, worker.output()
    finally:
        worker.close()
    output = worker.output()
    assert "Worker started" in output
    assert "Worker stopped." in output
    assert "Traceback" not in output
    with database.new_session() as session:
        left = session.execute(select(JobRecord.name, JobRecord.status)).all()
    # Periodic jobs (the nightly purge, event reminders) may also have run if the clock
    # passed their time during the test, so look only at the purge and the rows made here.
    purges = [status for name, status in left if name == PURGE]
    assert purges and set(purges) == {"done"}
    made_here = {name for name, _status, _when in records}
    assert sorted(name for name, _ in left if name in made_here) == [
        "old-but-queued",
        "recent-done",
    ]


@pytest.mark.skipif(not os.environ.get(REDIS_ENV), reason=f"needs {REDIS_ENV}")
def test_instances_sharing_redis_keep_their_jobs_apart(make_app, tmp_path):
    environ = queue_environ("redis")
    app = make_app(environ=environ)
    other = create_app(init_instance(tmp_path / "other", name="Other campaign"), environ=environ)
    ours, theirs = app.extensions["campaignkit"].huey, other.extensions["campaignkit"].huey
    try:
        assert ours.name != theirs.name
        app.extensions["campaignkit"].jobs[PURGE].enqueue()
        assert (len(ours), len(theirs)) == (1, 0)
        # The same instance opened again (as a worker would) finds its queue.
        again = create_app(app.extensions["campaignkit"].instance.path, environ=environ)
        assert len(again.extensions["campaignkit"].huey) == 1
        again.extensions["campaignkit"].database.dispose()
    finally:
        ours.flush()
        theirs.flush()
        other.extensions["campaignkit"].database.dispose()
