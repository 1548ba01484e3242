"""PostgreSQL test databases: made fresh for a test (or the fuzz run) and dropped after.

``CAMPAIGNKIT_TEST_POSTGRES_URL`` names a role that may create databases; the
suite's conftests use these helpers so every test database is made and dropped
the same way.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

POSTGRES_ENV = "CAMPAIGNKIT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])


def admin_url() -> str:
    """The configured server's URL for SQLAlchemy's psycopg driver."""
    url = make_url(os.environ[POSTGRES_ENV])
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@contextmanager
def fresh_database(prefix: str = "ck_test") -> Iterator[str]:
    """A new, empty PostgreSQL database's URL, dropped when the block ends."""
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(admin, name)
        admin.dispose()


def drop_database(admin, name: str) -> None:  # noqa: ANN001 - an Engine
    """Drop a test database. FORCE ends our own stray connections; a CI role may not end
    another role's (say an autovacuum worker), so fall back to a plain DROP, retried
    while that backend finishes."""
    with admin.connect() as connection:
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError:
            pass
    attempts = 80  # up to 20 s: an autovacuum on a busy machine can take a while
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.25)
