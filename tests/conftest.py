"""Suite-wide fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

Set ``CAMPAIGNKIT_TEST_POSTGRES_URL`` (a role that may create databases) to
run the database tests a second time on PostgreSQL; each such test gets a
database of its own, dropped afterwards. The summary line says which
backends ran.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

POSTGRES_ENV = "CAMPAIGNKIT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])
TESTS_DIR = Path(__file__).resolve().parent

_backend_counts: Counter[str] = Counter()


def _admin_url() -> str:
    url = make_url(os.environ[POSTGRES_ENV])
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend this test runs on: "sqlite", then "postgresql" if configured."""
    _backend_counts[request.param] += 1
    return request.param


@pytest.fixture
def campaignkit_database_url(backend: str):  # noqa: ANN201 - overrides the plugin fixture
    """None for SQLite (the instance's own file), else a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield None
        return
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"ck_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)
    _drop_database(admin, name)
    admin.dispose()


def _drop_database(admin, name: str) -> None:  # noqa: ANN001 - an Engine
    """Drop a test database. FORCE ends our own stray connections; a CI role may not end
    another role's (say an autovacuum worker), so fall back to a plain DROP, retried
    while that backend finishes."""
    with admin.connect() as connection:
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError:
            pass
    for attempt in range(20):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            return
        except OperationalError:
            if attempt == 19:
                raise
            time.sleep(0.25)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001
    """Say which database backends the database tests ran on."""
    ran = ", ".join(f"{name} ({count} tests)" for name, count in sorted(_backend_counts.items()))
    skipped = "" if os.environ.get(POSTGRES_ENV) else f" (set {POSTGRES_ENV} to add postgresql)"
    terminalreporter.write_line(f"database backends: {ran or 'none'}{skipped}")
