"""Fuzz suite fixtures: one seeded site per database backend, the routes, the summary table.

Routes come from ``app.url_map`` at collection time, so a route added later
is fuzzed without being listed anywhere. The terminal summary prints, per
route and backend, how many requests were sent and how many answered 5xx.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_record import STATS
from fuzz_site import Site, build_site
from pg_databases import BACKENDS, fresh_database

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import isolated_environ

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def route_names() -> list[str]:
    """Every rule of a UK-kit app with all its plugins, as "METHODS /rule"."""
    with tempfile.TemporaryDirectory() as folder:
        instance = init_instance(
            Path(folder) / "instance", kit="uk", name="Routes",
            plugins=["share", "marginals", "pledges", "emoji", "blocklists", "videos"],
        )  # fmt: skip
        app = create_app(instance, testing=True, environ=isolated_environ())
        rules = list(app.url_map.iter_rules())
        app.extensions["campaignkit"].database.dispose()
    rules.sort(key=lambda r: (r.rule, sorted(r.methods)))
    return [f"{'/'.join(sorted(r.methods - IGNORED_METHODS))} {r.rule}" for r in rules]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that takes ``route`` once per route of the app."""
    if "route" in metafunc.fixturenames:
        names = route_names()
        metafunc.parametrize("route", names, ids=names)


@pytest.fixture(scope="session", params=BACKENDS)
def fuzz_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The seeded site on one backend (SQLite, then PostgreSQL if configured), for the run."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}") / "instance"
    if request.param == "sqlite":
        site = build_site(folder, "sqlite", None)
        yield site
        site.app.extensions["campaignkit"].database.dispose()
        return
    with fresh_database("ck_fuzz") as url:
        site = build_site(folder, "postgresql", url)
        yield site
        site.app.extensions["campaignkit"].database.dispose()


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001, ARG001
    """A table: requests sent and 5xx answers per route and backend."""
    if not STATS:
        return
    backends = sorted({backend for _, backend in STATS})
    routes = sorted({route for route, _ in STATS})
    width = max(len(r) for r in routes)
    write = terminalreporter.write_line
    terminalreporter.section("fuzzing: requests and 5xx answers per route")
    write(f"{'route':<{width}}  " + "  ".join(f"{b + ' req':>14} {'5xx':>5}" for b in backends))
    totals = {b: [0, 0] for b in backends}
    for route in routes:
        cells = []
        for backend in backends:
            counts = STATS.get((route, backend), {})
            sent, errors = counts.get("requests", 0), counts.get("5xx", 0)
            totals[backend][0] += sent
            totals[backend][1] += errors
            cells.append(f"{sent:>14} {errors:>5}")
        write(f"{route:<{width}}  " + "  ".join(cells))
    cells = [f"{totals[b][0]:>14} {totals[b][1]:>5}" for b in backends]
    write(f"{'total':<{width}}  " + "  ".join(cells))
