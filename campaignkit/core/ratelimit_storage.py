"""Where the rate limiter counts: Redis when ``redis_url`` is set, else a file in the instance.

Every app process of the instance (gunicorn workers, a second ``serve``)
opens the same ``ratelimits.sqlite3``, so a limit of five an hour is five
an hour in total, not five per process. The file is in WAL mode with
``synchronous=NORMAL``: a hit is one upsert that never waits for the disk
(a power cut may forget the last few counts, which is harmless here). Hits
take turns on ``ratelimits.sqlite3.write-lock`` (``WriterTurns``), so under
load they queue in the kernel instead of in SQLite's polling sleeps.
Keys are stored as sha256 digests, so the visitors' addresses inside
them are not written down. Across several machines, set ``redis_url``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from contextlib import AbstractContextManager, closing, nullcontext
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from limits.errors import ConfigurationError
from limits.storage import Storage

from campaignkit.core.db import WriterTurns, fcntl

#: The file (in the instance folder) that holds the counters when there is no Redis.
RATELIMIT_FILE = "ratelimits.sqlite3"
SCHEME = "campaignkit-sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key BLOB PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID
"""
INCREMENT = """
INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :expires ELSE expires END
RETURNING count
"""


def storage_uri(instance_path: Path, redis_url: str | None) -> str:
    """The limiter's storage: Redis if configured, else the instance's shared SQLite file."""
    if redis_url:
        return redis_url
    return f"{SCHEME}://{quote((instance_path / RATELIMIT_FILE).resolve().as_posix())}"


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file shared by every process on the machine."""

    STORAGE_SCHEME = [SCHEME]
    #: Seconds between deletions of expired counters (by each process).
    SWEEP_EVERY = 60.0
    #: How long a hit waits for another process's write, in milliseconds.
    BUSY_TIMEOUT_MS = 5000

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = unquote(urlsplit(uri or "").path)
        if not self.path.startswith("/"):
            raise ConfigurationError(f"{SCHEME}:// needs an absolute file path, not {uri!r}")
        self._local = threading.local()
        self._turns = WriterTurns(Path(self.path)) if fcntl is not None else None
        self._next_sweep = 0.0
        with closing(self._connect()) as connection:  # creates the file and table at start
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout={self.BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, so each forked worker opens its own)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    @property
    def base_exceptions(self) -> type[Exception]:
        """What a failing store raises."""
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the counter, starting a window of ``expiry`` seconds if none runs."""
        now = time.time()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._db.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        params = {"key": _digest(key), "amount": amount, "expires": now + expiry, "now": now}
        with self._turn():
            return self._db.execute(INCREMENT, params).fetchone()[0]

    def _turn(self) -> AbstractContextManager:
        """The writer turn on the file: hits queue in the kernel, not on SQLite's polling."""
        return self._turns.turn() if self._turns is not None else nullcontext()

    def get(self, key: str) -> int:
        """The counter's value in its current window (0 once expired)."""
        row = self._db.execute(
            "SELECT count FROM counters WHERE key = ? AND expires > ?", (_digest(key), time.time())
        ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (now, if there is none)."""
        now = time.time()
        row = self._db.execute(
            "SELECT expires FROM counters WHERE key = ? AND expires > ?", (_digest(key), now)
        ).fetchone()
        return row[0] if row else now

    def check(self) -> bool:
        """True while the file can be read."""
        return self._db.execute("SELECT 1").fetchone() == (1,)

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        return self._db.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        self._db.execute("DELETE FROM counters WHERE key = ?", (_digest(key),))
