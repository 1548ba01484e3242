"""Suite-wide fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

Set ``CAMPAIGNKIT_TEST_POSTGRES_URL`` (a role that may create databases) to
run the database tests a second time on PostgreSQL; each such test gets a
database of its own, dropped afterwards. The summary line says which
backends ran.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from pg_databases import BACKENDS, POSTGRES_ENV, fresh_database

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR / "fuzz"))  # the fuzz folder's modules, as its conftest sees them
import fuzz_summary  # noqa: E402

_backend_counts: Counter[str] = Counter()


def _redis_db_per_worker() -> None:
    """Under pytest-xdist, give each worker its own Redis database (15, 14, ... for db 15),
    so two workers' job queues and rate-limit counters never meet."""
    url, worker = (
        os.environ.get("CAMPAIGNKIT_TEST_REDIS_URL"),
        os.environ.get("PYTEST_XDIST_WORKER"),
    )
    if not url or not worker:
        return
    base, _, db = url.rpartition("/")
    number = (int(db or 0) - int(worker.removeprefix("gw"))) % 16
    os.environ["CAMPAIGNKIT_TEST_REDIS_URL"] = f"{base}/{number}"


_redis_db_per_worker()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests marked ``slow`` (servers, subprocesses, many clients) first, each group in
    its usual order: under pytest-xdist the quick tests then fill the workers' last minutes,
    instead of one long test running on alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its backend counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["backend_counts"] = dict(_backend_counts)
        fuzz_summary.hand_over(workeroutput)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001, ARG001 - pytest-xdist's hook
    """The controller adds up the counts its workers handed over."""
    workeroutput = getattr(node, "workeroutput", {})
    _backend_counts.update(workeroutput.get("backend_counts", {}))
    fuzz_summary.take_over(workeroutput)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001
    """Print the fuzz table, then say which database backends the database tests ran on."""
    fuzz_summary.write_table(terminalreporter)
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
def live_server(ck_live_server):  # noqa: ANN001, ANN201
    """``ck_live_server``: the app over real HTTP; yields the base URL."""
    return ck_live_server


@pytest.fixture
def immediate_jobs(ck_immediate_jobs):  # noqa: ANN001, ANN201
    """``ck_immediate_jobs``."""
    return ck_immediate_jobs


@pytest.fixture
def rows(ck_rows):  # noqa: ANN001, ANN201
    """``ck_rows``."""
    return ck_rows


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


@pytest.fixture
def signed_in(ck_signed_in):  # noqa: ANN001, ANN201
    """``ck_signed_in``: ``signed_in(email, role)``, a new signed-in test client."""
    return ck_signed_in


@pytest.fixture
def organiser(ck_organiser):  # noqa: ANN001, ANN201
    """``ck_organiser``: a test client signed in as the organiser org@example.org."""
    return ck_organiser


@pytest.fixture
def volunteer(ck_volunteer):  # noqa: ANN001, ANN201
    """``ck_volunteer``: ``volunteer(email="vol@example.org")``, a signed-in client."""
    return ck_volunteer


@pytest.fixture(scope="session")
def smtp_server(ck_smtp_server):  # noqa: ANN001, ANN201
    """``ck_smtp_server``."""
    return ck_smtp_server


@pytest.fixture
def mailbox(ck_mailbox):  # noqa: ANN001, ANN201
    """``ck_mailbox``."""
    return ck_mailbox
