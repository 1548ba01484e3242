"""Suite-wide fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

Set ``CAMPAIGNKIT_TEST_POSTGRES_URL`` (a role that may create databases) to
run the database tests a second time on PostgreSQL; each such test gets a
database of its own, dropped afterwards. The summary line says which
backends ran.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from pg_databases import BACKENDS, POSTGRES_ENV, fresh_database

TESTS_DIR = Path(__file__).resolve().parent

_backend_counts: Counter[str] = Counter()


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
    with fresh_database() as url:
        yield url


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001
    """Say which database backends the database tests ran on."""
    ran = ", ".join(f"{name} ({count} tests)" for name, count in sorted(_backend_counts.items()))
    skipped = "" if os.environ.get(POSTGRES_ENV) else f" (set {POSTGRES_ENV} to add postgresql)"
    terminalreporter.write_line(f"database backends: {ran or 'none'}{skipped}")


# ---------------------------------------------------------------- short names for this suite
# campaignkit.testing's fixtures are prefixed ck_ so they never clash with another pytest
# plugin's; the suite's own tests use these short aliases. To change what a fixture gives,
# override its ck_ name (``def ck_instance(ck_instance): ...``), so every fixture built on
# it sees the change.


@pytest.fixture
def instance(ck_instance: Path) -> Path:
    """``ck_instance``."""
    return ck_instance


@pytest.fixture
def make_app(ck_make_app):  # noqa: ANN001, ANN201
    """``ck_make_app``."""
    return ck_make_app


@pytest.fixture
def app(ck_app):  # noqa: ANN001, ANN201
    """``ck_app``."""
    return ck_app


@pytest.fixture
def client(ck_client):  # noqa: ANN001, ANN201
    """``ck_client``."""
    return ck_client


@pytest.fixture
def cli(ck_cli):  # noqa: ANN001, ANN201
    """``ck_cli``: commands against the test instance, migrated first."""
    return ck_cli


@pytest.fixture
def immediate_jobs(ck_immediate_jobs):  # noqa: ANN001, ANN201
    """``ck_immediate_jobs``."""
    return ck_immediate_jobs


@pytest.fixture
def make_user(ck_make_user):  # noqa: ANN001, ANN201
    """``ck_make_user``."""
    return ck_make_user


@pytest.fixture
def csrf_token(ck_csrf_token):  # noqa: ANN001, ANN201
    """``ck_csrf_token``."""
    return ck_csrf_token


@pytest.fixture
def login(ck_login):  # noqa: ANN001, ANN201
    """``ck_login``."""
    return ck_login


@pytest.fixture(scope="session")
def smtp_server(ck_smtp_server):  # noqa: ANN001, ANN201
    """``ck_smtp_server``."""
    return ck_smtp_server


@pytest.fixture
def mailbox(ck_mailbox):  # noqa: ANN001, ANN201
    """``ck_mailbox``."""
    return ck_mailbox
