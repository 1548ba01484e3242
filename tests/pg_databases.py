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

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from campaignkit.testing_databases import admin_engine

POSTGRES_ENV = "CAMPAIGNKIT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])


def admin_url() -> str:
    """The configured server's URL for SQLAlchemy's psycopg driver."""
    url = make_url(os.environ[POSTGRES_ENV])
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@contextmanager
def fresh_database(prefix: str = "ck_test") -> Iterator[str]:
    """A new, empty PostgreSQL database's URL, dropped when the block ends."""
    admin = admin_engine(make_url(admin_url()))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(admin, name)


def drop_database(admin, name: str) -> None:  # noqa: ANN001 - an Engine
    """Drop a test database, retried for up to 20 s.

    FORCE ends our own stray connections (a test's pool not yet collected). A CI role
    may not end a superuser's backend (an autovacuum worker), and then FORCE fails as
    a whole: so each retry first ends our own role's sessions on that database, then
    tries again while the autovacuum finishes."""
    attempts = 80
    for attempt in range(attempts):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except (OperationalError, ProgrammingError):
            if attempt == attempts - 1:
                raise
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND usename = current_user"
                    " AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        time.sleep(0.25)
