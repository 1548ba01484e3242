"""Database sessions for code running inside a request, a job or a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from sqlalchemy.orm import Session

from campaignkit.core.driver import DriverWrite
from campaignkit.core.state import current_database


def db_session() -> Session:
    """The request's session for reading; closed when the request ends.

    It reads committed data. On SQLite its transaction (a snapshot) lasts
    until the request ends or until ``write_session()`` commits, so a request
    sees its own writes; on PostgreSQL it reads outside a transaction, each
    statement seeing the latest commits (as it would at READ COMMITTED).
    """
    if "ck_session" not in g:
        g.ck_session = current_database().new_session()
    return g.ck_session


@contextmanager
def write_session() -> Iterator[Session]:
    """A session for one write: committed when the block ends, rolled back if it raises.

    On SQLite it holds the write lock from its first statement, so concurrent
    writers wait their turn instead of failing. On PostgreSQL, lock the rows
    you read and then change (``session.get(Model, key, with_for_update=True)``).
    After the commit, the request's read session starts a fresh transaction
    and reloads what it had loaded, so later reads see the write.
    """
    with current_database().write() as session:
        yield session
    _refresh_reader()


@contextmanager
def driver_write(one_statement: bool = False) -> Iterator[DriverWrite]:
    """A write transaction for prepared statements on the driver's cursor, for a hot path
    (see ``campaignkit.core.driver``); otherwise as ``write_session()``.

    ``one_statement=True`` when the block writes with a single statement (reads may
    follow): on PostgreSQL it is then its own transaction, two round trips fewer.
    """
    with current_database().driver_write(one_statement) as write:
        yield write
    _refresh_reader()


def _refresh_reader() -> None:
    """After a commit: the request's read session starts afresh, so it sees the write."""
    reader = g.get("ck_session")
    if reader is not None:
        reader.rollback()  # ends the read transaction and expires what it loaded


@contextmanager
def read_session() -> Iterator[Session]:
    """A session of its own for reading, closed when the block ends.

    For a job or command that reads a batch and then works for a while
    (sending mail, say) without holding a transaction open meanwhile.
    """
    with current_database().new_session() as session:
        yield session


def close_request_session(_error: Any = None) -> None:
    """Close the request's session, if one was opened."""
    session = g.pop("ck_session", None)
    if session is not None:
        session.close()
