"""The database layer on real SQLite files and a real PostgreSQL server.

SQLite connections must all have WAL, a busy timeout and foreign keys on, and
writers must take the write lock up front (``BEGIN IMMEDIATE``) so that
processes which read then write never deadlock on a lock upgrade or lose an
update. The counter test runs the same read-then-write code in several
processes on both backends.
"""

from __future__ import annotations

import importlib
import select as selectors
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from campaignkit.core.db import BUSY_TIMEOUT_MS, SQLITE_FILE, Database, database_url
from campaignkit.core.session import db_session, write_session

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "test_plugins"
PROCESSES = 4
INCREMENTS = 50
PROCESS_TIMEOUT_S = 60

# Each process reads the counter, then writes the value it read plus one, in one
# Database.write(). Without a write lock taken up front (SQLite: BEGIN IMMEDIATE;
# PostgreSQL: FOR UPDATE) this fails with "database is locked" or loses updates.
COUNTER_PROCESS = """
import sys
from sqlalchemy import Column, Integer, MetaData, Table, select, update
from campaignkit.core.db import Database

url, rounds = sys.argv[1], int(sys.argv[2])
counter = Table(
    "test_counter", MetaData(), Column("id", Integer, primary_key=True), Column("value", Integer)
)
database = Database(url)
database.engine.connect().close()
print("ready", flush=True)
sys.stdin.readline()
for _ in range(rounds):
    with database.write() as session:
        query = select(counter.c.value).where(counter.c.id == 1).with_for_update()
        value = session.execute(query).scalar_one()
        session.execute(update(counter).where(counter.c.id == 1).values(value=value + 1))
database.dispose()
print("done", flush=True)
"""


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a module
    """The notes test plugin (tests/test_plugins/notes_plugin), importable as ``notes_plugin``."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    return importlib.import_module("notes_plugin")


@pytest.fixture
def sqlite_database(tmp_path: Path):  # noqa: ANN201 - Database
    """A Database on a fresh SQLite file, with one table to read and write."""
    database = Database(database_url(None, tmp_path))
    with database.write() as session:
        session.execute(text("CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT)"))
    yield database
    database.dispose()


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    """The next line the process prints, or "" if it prints none within ``timeout`` seconds."""
    ready, _, _ = selectors.select([process.stdout], [], [], timeout)
    return process.stdout.readline().strip() if ready else ""


def _pragmas(connection) -> tuple:  # noqa: ANN001 - a SQLAlchemy Connection
    return tuple(
        connection.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "busy_timeout", "foreign_keys")
    )


def test_every_sqlite_connection_has_wal_busy_timeout_and_foreign_keys(sqlite_database):
    expected = ("wal", BUSY_TIMEOUT_MS, 1)
    # Several connections open at once, so the pool really makes new ones.
    connections = [sqlite_database.engine.connect() for _ in range(3)]
    try:
        assert [_pragmas(c) for c in connections] == [expected] * 3
    finally:
        for connection in connections:
            connection.close()
    with sqlite_database.write() as session:
        assert _pragmas(session.connection()) == expected
    reader = sqlite_database.new_session()
    try:
        assert _pragmas(reader.connection()) == expected
    finally:
        reader.close()
    sqlite_database.dispose()  # connections made after a dispose (as after a fork) too
    with sqlite_database.engine.connect() as connection:
        assert _pragmas(connection) == expected
    # WAL is a property of the file: a plain sqlite3 connection sees it.
    path = Path(sqlite_database.engine.url.database)
    assert path.name == SQLITE_FILE
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        plain.close()


def test_sqlite_writer_holds_the_write_lock_from_its_first_read(sqlite_database):
    path = sqlite_database.engine.url.database
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with sqlite_database.write() as session:
            session.execute(text("SELECT count(*) FROM thing")).scalar()  # a read, nothing more
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                probe.execute("BEGIN IMMEDIATE")
            session.execute(text("INSERT INTO thing (name) VALUES ('a')"))
        probe.execute("BEGIN IMMEDIATE")  # committed: the lock is free again
        probe.execute("ROLLBACK")
        # A reading session does not take the write lock.
        reader = sqlite_database.new_session()
        try:
            assert reader.execute(text("SELECT count(*) FROM thing")).scalar() == 1
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        finally:
            reader.close()
    finally:
        probe.close()


def test_concurrent_read_then_write_processes_lose_no_update(app, tmp_path: Path):
    database = app.extensions["campaignkit"].database
    with database.write() as session:
        session.execute(text("CREATE TABLE test_counter (id INTEGER PRIMARY KEY, value INTEGER)"))
        session.execute(text("INSERT INTO test_counter (id, value) VALUES (1, 0)"))
    database.dispose()
    url = database.engine.url.render_as_string(hide_password=False)
    logs = [tmp_path / f"counter-{n}.log" for n in range(PROCESSES)]
    processes = []
    try:
        for log in logs:
            with log.open("w") as handle:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-c", COUNTER_PROCESS, url, str(INCREMENTS)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=handle,
                        text=True,
                    )
                )
        for process in processes:  # all connected and waiting
            assert _read_line(process, PROCESS_TIMEOUT_S) == "ready"
        for process in processes:  # then all start at once
            process.stdin.write("go\n")
            process.stdin.close()
        for process in processes:
            process.wait(timeout=PROCESS_TIMEOUT_S)
        errors = "".join(log.read_text() for log in logs)
        assert "database is locked" not in errors
        assert [p.returncode for p in processes] == [0] * PROCESSES, errors
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            process.stdout.close()
    with database.engine.connect() as connection:
        value = connection.execute(text("SELECT value FROM test_counter WHERE id = 1")).scalar()
    assert value == PROCESSES * INCREMENTS


def test_foreign_keys_are_enforced(make_app, notes):
    app = make_app(extra_plugins=[("notes", notes)])
    database = app.extensions["campaignkit"].database
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(notes.Note(body="orphan", parent_id=12345))
    with database.write() as session:
        parent = notes.Note(body="parent")
        session.add(parent)
        session.flush()
        session.add(notes.Note(body="child", parent_id=parent.id))
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM notes_note")).scalar() == 2


def test_a_failed_write_block_rolls_back_everything(make_app, notes):
    app = make_app(extra_plugins=[("notes", notes)])
    database = app.extensions["campaignkit"].database
    with pytest.raises(RuntimeError, match="changed my mind"), database.write() as session:
        session.add(notes.Note(body="first"))
        session.flush()  # really sent to the database
        session.add(notes.Note(body="second"))
        session.flush()
        raise RuntimeError("changed my mind")
    # A failure inside the database (a broken foreign key) undoes the earlier rows too.
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(notes.Note(body="third"))
        session.flush()
        session.add(notes.Note(body="orphan", parent_id=999))
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM notes_note")).scalar() == 0
    # The database is still writable afterwards: no lock or transaction was left behind.
    with database.write() as session:
        session.add(notes.Note(body="after"))
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM notes_note")).scalars().all() == ["after"]


def test_reads_see_committed_writes(make_app, notes):
    app = make_app(extra_plugins=[("notes", notes)])
    count = select(func.count(notes.Note.id))
    with app.app_context():
        assert db_session().scalar(count) == 0
        with write_session() as session:
            note = notes.Note(body="draft")
            session.add(note)
        # The same request's reads see its own committed write...
        assert db_session().scalar(count) == 1
        loaded = db_session().get(notes.Note, note.id)
        assert loaded.body == "draft"
        with write_session() as session:
            session.get(notes.Note, note.id).body = "final"
        # ...including objects it had already loaded.
        assert db_session().get(notes.Note, note.id).body == "final"
        assert loaded.body == "final"
    # A write committed by another process is seen by the next request.
    url = app.extensions["campaignkit"].database.engine.url.render_as_string(hide_password=False)
    other = Database(url)
    try:
        with other.write() as session:
            session.add(notes.Note(body="from elsewhere"))
    finally:
        other.dispose()
    with app.app_context():
        assert db_session().scalar(count) == 2


def test_a_waiting_sqlite_writer_gets_its_turn(sqlite_database):
    """A second writer waits on the busy timeout instead of failing at once."""
    path = sqlite_database.engine.url.database
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys\n"
                "from sqlalchemy import text\n"
                "from campaignkit.core.db import Database\n"
                "database = Database(sys.argv[1])\n"
                "with database.write() as session:\n"
                "    session.execute(text(\"INSERT INTO thing (name) VALUES ('late')\"))\n",
                sqlite_database.url,
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            time.sleep(1.0)  # longer than a writer without a busy timeout would wait
            assert process.poll() is None, process.stderr.read()
            holder.execute("COMMIT")
            _, errors = process.communicate(timeout=PROCESS_TIMEOUT_S)
            assert process.returncode == 0, errors
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        assert time.monotonic() - started >= 1.0
    finally:
        holder.close()
    with sqlite_database.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM thing")).scalars().all() == ["late"]


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(app, backend):  # noqa: ANN001
    """No query to the server before each use (no pre-ping), and still no error after a
    server restart: the pool sees the closed socket and connects afresh."""
    if backend != "postgresql":
        pytest.skip("a PostgreSQL server closes its sessions' sockets; a SQLite file has none")
    from pg_databases import admin_url
    from sqlalchemy import create_engine

    database = app.extensions["campaignkit"].database
    with database.new_session() as session:  # the pool now holds this one connection
        first = session.scalar(text("SELECT pg_backend_pid()"))
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:  # what a restart does to every session
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
            for _ in range(100):
                if connection.scalar(gone, {"pid": first}):
                    break
                time.sleep(0.05)
    finally:
        admin.dispose()
    time.sleep(0.1)  # the closing message reaches the pooled socket
    with database.new_session() as session:
        assert session.scalar(text("SELECT pg_backend_pid()")) != first


def test_a_driver_write_to_a_server_that_is_down_raises_sqlalchemys_error():
    # Nothing listens on port 1: connecting fails as it does while PostgreSQL restarts.
    database = Database("postgresql+psycopg://nobody:secret@127.0.0.1:1/campaignkit")
    try:
        with pytest.raises(OperationalError) as raised, database.driver_write():
            pass
        assert raised.value.connection_invalidated  # the 503 handler reads this
    finally:
        database.dispose()
