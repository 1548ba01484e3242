"""Migrations: core's branch, a plugin's own branch, and plugins switched on and off.

The notes test plugin (tests/test_plugins/notes_plugin) has two revisions on the
``notes`` branch, which depends on core. Every test runs on SQLite and, when
configured, PostgreSQL.
"""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import inspect, text

from campaignkit import hookimpl
from campaignkit.cli import main
from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.core.migrate import (
    CORE_MIGRATIONS,
    MigrationError,
    alembic_config,
    pending,
    upgrade,
)
from campaignkit.testing import cli_runner

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "test_plugins"


@pytest.fixture
def cli(instance: Path):  # noqa: ANN201 - overrides the suite's alias of ck_cli
    """Commands against the test instance as it is (``ck_cli`` would migrate it first)."""
    return cli_runner(instance)


#: Core's newest revision; the notes plugin branches off core_0001.
CORE_HEAD = (
    ScriptDirectory(str(CORE_MIGRATIONS), version_locations=[str(CORE_MIGRATIONS / "versions")])
    .get_revision("core@head")
    .revision
)


def heads(*plugin_heads: str) -> set[str]:
    """The alembic_version rows expected: the plugin heads, plus core's head unless folded in."""
    return set(plugin_heads) | ({CORE_HEAD} - {"core_0001"} if plugin_heads else {CORE_HEAD})


@pytest.fixture
def campaignkit_kit() -> str:
    """The US kit, whose needs zipcodes alone meets (its other plugins are left out below)."""
    return "us"


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """No plugin with migrations: these tests follow core's branch and the notes plugin's."""
    return ["share", "zipcodes"]


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a module
    """The notes test plugin, importable as ``notes_plugin``."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    return importlib.import_module("notes_plugin")


@pytest.fixture
def open_app(instance: Path):  # noqa: ANN201 - a factory
    """Build apps for the test instance without migrating them; disposed afterwards."""
    built = []

    def build(extra_plugins=()):  # noqa: ANN001, ANN202
        app = create_app(instance, extra_plugins=extra_plugins, testing=True)
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["campaignkit"].database.dispose()


def _tables(app) -> set[str]:  # noqa: ANN001 - Flask
    return set(inspect(app.extensions["campaignkit"].database.engine).get_table_names())


def _recorded(app) -> set[str]:  # noqa: ANN001 - Flask
    with app.extensions["campaignkit"].database.engine.connect() as connection:
        return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _pending(app) -> list[str]:  # noqa: ANN001 - Flask
    state = app.extensions["campaignkit"]
    return pending(state.database, state.branches(), state.instance.enabled)


def test_db_upgrade_creates_core_tables_and_check_follows(open_app, cli):
    app = open_app()
    assert "ck_jobs" not in _tables(app)
    result = cli("check")
    assert result.exit_code == 1
    assert "needs 'campaignkit db upgrade' for: core" in result.output
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "Database up to date" in result.output
    assert {"ck_jobs", "alembic_version"} <= _tables(app)
    assert _recorded(app) == heads()
    columns = {
        c["name"]
        for c in inspect(app.extensions["campaignkit"].database.engine).get_columns("ck_jobs")
    }
    assert {"id", "status", "done", "total", "message"} <= columns
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    assert cli("db", "upgrade").exit_code == 0  # running it again changes nothing
    assert _recorded(app) == heads()


def test_plugin_branch_runs_only_when_the_plugin_is_enabled(open_app, notes):
    without = open_app()
    state = without.extensions["campaignkit"]
    assert upgrade(state.database, state.branches(), state.instance.enabled) == ["core"]
    assert "notes_note" not in _tables(without)
    assert _recorded(without) == heads()

    with_notes = open_app(extra_plugins=[("notes", notes)])
    state = with_notes.extensions["campaignkit"]
    assert "notes" in [branch.label for branch in state.branches()]
    assert upgrade(state.database, state.branches(), state.instance.enabled) == ["core", "notes"]
    assert "notes_note" in _tables(with_notes)
    columns = {c["name"] for c in inspect(state.database.engine).get_columns("notes_note")}
    assert columns == {"id", "body", "parent_id"}
    assert _recorded(with_notes) == heads("notes_0002")  # Alembic folds core_0001 into it


def test_pending_reports_the_branch_that_is_behind(open_app, notes):
    app = open_app(extra_plugins=[("notes", notes)])
    assert _pending(app) == ["core", "notes"]
    state = app.extensions["campaignkit"]
    config = alembic_config(state.database, state.branches())
    command.upgrade(config, "core@head")
    assert _pending(app) == ["notes"]
    command.upgrade(config, "notes_0001")  # the plugin's first revision only
    assert _recorded(app) == heads("notes_0001")
    assert _pending(app) == ["notes"]
    upgrade(state.database, state.branches(), state.instance.enabled)
    assert _pending(app) == []
    assert _recorded(app) == heads("notes_0002")


def test_disabling_a_plugin_after_its_migration_keeps_the_database_usable(
    make_app, open_app, notes, cli
):
    app = make_app(extra_plugins=[("notes", notes)])  # migrated, notes included
    with app.extensions["campaignkit"].database.write() as session:
        session.add(notes.Note(body="kept"))

    # The plugin is gone: its revision is still recorded, but no folder holds it.
    without = make_app()  # runs upgrade(), which must not trip over notes_0002
    assert _pending(without) == []
    assert _recorded(without) == heads("notes_0002")
    result = cli("db", "upgrade")
    assert result.exit_code == 0, result.output
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    client = without.test_client()
    assert client.get("/healthz").status_code == 200
    job_id = without.extensions["campaignkit"].jobs["campaignkit.core.jobs.purge_job_records"]()
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"

    # Switched back on, it carries on where it was, data intact.
    again = open_app(extra_plugins=[("notes", notes)])
    assert _pending(again) == []
    with again.extensions["campaignkit"].database.engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM notes_note")).scalars().all() == ["kept"]


def test_a_plugin_branch_without_its_label_is_named(open_app, tmp_path, monkeypatch):
    package = tmp_path / "unlabelled_plugin"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A plugin whose revision forgot its label."""\n')
    (package / "migrations" / "unlabelled_0001.py").write_text(
        textwrap.dedent(
            '''\
            """unlabelled: nothing."""

            revision = "unlabelled_0001"
            down_revision = None
            branch_labels = None
            depends_on = "core_0001"


            def upgrade():
                pass
            '''
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = importlib.import_module("unlabelled_plugin")
    app = open_app(extra_plugins=[("unlabelled", plugin)])
    state = app.extensions["campaignkit"]
    with pytest.raises(MigrationError, match=r"plugin 'unlabelled'.*branch_labels"):
        upgrade(state.database, state.branches(), state.instance.enabled)
    with pytest.raises(MigrationError, match="plugin 'unlabelled'"):
        pending(state.database, state.branches(), state.instance.enabled)


def test_a_plugin_can_name_its_migrations_folder(open_app, notes):
    class NotesElsewhere:
        """The notes migrations, offered by a plugin object that is not a package."""

        @hookimpl
        def campaignkit_migrations_dir(self) -> Path:
            return Path(notes.__file__).parent / "migrations"

    app = open_app(extra_plugins=[("notes", NotesElsewhere())])
    state = app.extensions["campaignkit"]
    assert upgrade(state.database, state.branches(), state.instance.enabled) == ["core", "notes"]
    assert "notes_note" in _tables(app)
    assert _pending(app) == []


def test_db_upgrade_names_a_database_it_cannot_reach(tmp_path):
    unreachable = "postgresql://ck:secret@127.0.0.1:1/campaign"  # nothing listens on port 1
    folder = init_instance(tmp_path / "elsewhere", database_url=unreachable)
    result = CliRunner().invoke(main, ["--instance", str(folder), "db", "upgrade"])
    assert result.exit_code == 1
    assert "cannot upgrade the database postgresql+psycopg://ck:***@127.0.0.1:1" in result.output
    assert "secret" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
