"""Database access: one engine per app, sessions per request, safe writers.

SQLite is the default (a file in the instance) with WAL, a busy timeout,
foreign keys and ``secure_delete`` on. Reads use ordinary deferred transactions; writes go through
``Database.write()``, which on SQLite starts with ``BEGIN IMMEDIATE`` so two
writers queue on the busy timeout instead of deadlocking when a read lock
would have to be upgraded. PostgreSQL is used when a ``postgresql://`` URL is
configured; the same code runs on both.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, MetaData, Table, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from campaignkit.core.driver import DriverWrite, Prepared, column_parameters, driver_transaction

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's busy timeout alone queues writers there
    fcntl = None

SQLITE_FILE = "campaign.sqlite3"
BUSY_TIMEOUT_MS = 15_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    """Base class for every table, core's and plugins' (a plugin's tables start with its name)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(configured: str | None, instance_dir: Path) -> str:
    """The URL to use: the configured one, else the SQLite file in the instance."""
    if configured:
        url = configured
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{Path(instance_dir).resolve() / SQLITE_FILE}"


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DB-API objects
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Overwrite deleted content with zeros, so erased personal data leaves no trace
        # in free pages or free space inside pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def insert_unless_exists(
    session: Session | Connection,
    model: type[Model],
    values: Mapping[str, Any],
    unique: Sequence[str],
) -> int | None:
    """Insert one row unless a row with the same ``unique`` columns exists.

    Returns the new row's ``id``, or None when such a row was already there
    (nothing is changed then). One ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING id`` on SQLite and PostgreSQL alike: no savepoint, and no error
    to catch when two people race to insert the same row. ``session`` may also
    be a write session's ``connection()``, which skips the ORM's bookkeeping
    (for hot paths that hold no ORM objects to flush first).
    """
    bind = session if isinstance(session, Connection) else session.get_bind()
    return session.execute(
        _insert_or_skip(model.__table__, tuple(unique), bind.dialect.name), values
    ).scalar()


def prepared_insert_unless_exists(model: type[Model], unique: Sequence[str]) -> Prepared:
    """``insert_unless_exists`` as a prepared statement for ``DriverWrite.first`` (a hot
    path's write): every column but ``id`` is a parameter named after it, and the row
    returned holds the new ``id``, or there is none when the row was already there."""
    table = model.__table__
    columns = column_parameters(table)
    return Prepared(lambda dialect: _insert_or_skip(table, tuple(unique), dialect).values(columns))


@cache
def _insert_or_skip(table: Table, unique: tuple[str, ...], dialect: str) -> Insert:
    """The statement for ``insert_unless_exists``, built once per table and dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique)).returning(table.c.id)


def make_engine(url: str) -> Engine:
    """Create an engine with campaignkit's settings for the URL's backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _prepare_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    _drop_closed_connections(engine)
    return engine


def _drop_closed_connections(engine: Engine) -> None:
    """Check a pooled PostgreSQL connection before each use without a round trip.

    A restarted or stopped server ends each session with a message and closes
    its socket, so an idle connection with something to read is one the server
    has given up on: the pool then drops it, with every connection made before
    it, and connects afresh. This costs one ``poll`` where ``pool_pre_ping``
    costs a query to the server and back on every request. (A peer that
    vanishes without closing the socket is caught by the first failing query,
    which invalidates the pool just the same.)
    """

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):  # noqa: ANN001 - DB-API objects
        closed = getattr(dbapi_connection, "closed", False) or getattr(
            dbapi_connection, "broken", False
        )  # psycopg's flags (another driver may lack one)
        if closed or _has_input(dbapi_connection):
            raise exc.InvalidatePoolError("the server closed this connection")


def _has_input(dbapi_connection: Any) -> bool:  # noqa: ANN401 - a driver's connection
    """Whether an idle connection's socket has something to read (or has been closed)."""
    poller = select.poll()  # not select.select: file numbers past 1023 are fine
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


class WriterTurns:
    """Writers to one SQLite file take turns on a lock file, waiting in the kernel.

    SQLite's own wait for its write lock polls with sleeps of 1 ms and more, so
    two busy worker processes lose whole milliseconds to each other. Taking
    an ``flock`` on ``<database>.write-lock`` first (and a thread lock within
    the process) queues writers so the next one starts the moment the last
    one commits. Writers that do not take a turn (another program) are still
    handled by SQLite's busy timeout. A process opens its own lock file after
    a fork, since a shared open file would not exclude anyone.
    """

    def __init__(self, database_file: Path):
        self.path = Path(f"{database_file}.write-lock")
        self._threads = threading.RLock()
        self._fd: int | None = None
        self._pid: int | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the write turn for the block."""
        with self._threads:
            if self._pid != os.getpid():
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


def _transactions_again(connection: PoolProxiedConnection) -> None:
    """Give a connection used without transactions back to the pool with them on again; one
    that cannot be switched back (it broke) is discarded, never pooled as it is."""
    try:
        if connection.is_valid:
            connection.dbapi_connection.autocommit = False
    except Exception as error:  # noqa: BLE001 - whatever the driver raises, do not pool it
        connection.invalidate(error)


class Database:
    """The engine and session factories for one app."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        database_file = self.engine.url.database if self.is_sqlite else None
        self._turns = (
            WriterTurns(Path(database_file))
            if database_file and database_file != ":memory:" and fcntl is not None
            else None
        )
        # PostgreSQL reads at READ COMMITTED, where every statement sees the latest commits
        # whether or not it is in a transaction: reading without one saves the BEGIN and
        # ROLLBACK round trips. SQLite keeps its transaction: a consistent snapshot.
        reader_engine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._sessions = sessionmaker(reader_engine, expire_on_commit=False)
        writer_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._writers = sessionmaker(writer_engine, expire_on_commit=False)

    def new_session(self) -> Session:
        """A session for reading; the caller closes it.

        On SQLite it reads in a deferred transaction (one snapshot); on
        PostgreSQL without a transaction (each statement sees the latest
        commits, as it would at READ COMMITTED). Write with ``write()``.
        """
        return self._sessions()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write transaction: committed on success, rolled back on error.

        On SQLite the transaction starts with ``BEGIN IMMEDIATE``: it holds the
        database's write lock from its first statement, so a read followed by a
        write can never lose an update or fail to upgrade its lock. PostgreSQL
        locks per row: read the rows you will change with
        ``session.get(Model, key, with_for_update=True)`` or
        ``select(...).with_for_update()`` (SQLite ignores ``FOR UPDATE``), or
        change them with one ``UPDATE ... SET n = n + 1``. SQLite writers of
        this program also take turns on a lock file first (see WriterTurns).
        """
        session = self._writers()
        try:
            with self._write_turn(), session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def driver_write(self, one_statement: bool = False) -> Iterator[DriverWrite]:
        """One write transaction on a pooled driver connection, for prepared statements
        (see ``campaignkit.core.driver``): committed when the block ends, rolled back if it
        raises. On SQLite it takes the writer turn and starts with ``BEGIN IMMEDIATE``,
        as ``write()`` does.

        ``one_statement``: the block writes with a single statement (reads may follow
        it). On PostgreSQL that statement is then its own transaction, without the BEGIN
        and COMMIT round trips (and the locks it takes end with it); on SQLite the block
        is one transaction as always.

        The connection is taken from the pool before the writer turn and given back
        after it, so the turn (which other writers wait for) holds only the transaction.
        """
        begin = "BEGIN IMMEDIATE" if self.is_sqlite else None
        autocommit = one_statement and not self.is_sqlite
        connection = self._raw_connection()
        try:
            if autocommit:
                connection.dbapi_connection.autocommit = True
            with (
                self._write_turn(),
                driver_transaction(connection, self.engine.dialect, begin) as write,
            ):
                yield write
        finally:
            if autocommit:
                _transactions_again(connection)
            connection.close()

    def _raw_connection(self) -> PoolProxiedConnection:
        """A pooled driver connection; a failure to connect (the server is down) raised as
        SQLAlchemy's error, as ``engine.connect()`` raises it, so it answers 503, not 500."""
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        try:
            return self.engine.raw_connection()
        except dbapi_error as error:
            raise exc.DBAPIError.instance(
                None, None, error, dbapi_error, connection_invalidated=True,
                dialect=self.engine.dialect,
            ) from error  # fmt: skip

    def _write_turn(self) -> AbstractContextManager:
        """This program's turn to write to the SQLite file (nothing to wait for elsewhere)."""
        return self._turns.turn() if self._turns is not None else nullcontext()

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or when the app is done)."""
        self.engine.dispose()
