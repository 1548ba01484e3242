"""Fuzz suite fixtures: one seeded site per database backend, the routes, the summary table.

Routes come from ``app.url_map`` at collection time, so a route added later
is fuzzed without being listed anywhere. The table of requests sent and 5xx
answers per route and backend is printed by ``fuzz_summary`` (called from the
suite's top conftest, so it also works when pytest-xdist spreads the routes over
several workers).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
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
            plugins=["share", "marginals", "pledges", "emoji", "blocklists", "videos", "cascade",
                     "apps", "phonebank"],
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
