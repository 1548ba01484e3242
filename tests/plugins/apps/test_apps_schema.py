"""The apps table: the migration makes exactly what the model says, and goes back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from campaignkit.core.db import Model
from campaignkit.core.migrate import alembic_config


def _apps_differences(engine) -> list:  # noqa: ANN001
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    return [d for d in differences if "'apps'" in repr(d) or "apps_" in repr(d)]


def test_the_migration_matches_the_model_and_downgrades(backend, app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    engine = state.database.engine
    assert "apps" in inspect(engine).get_table_names()
    assert _apps_differences(engine) == []
    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "apps@base")
    assert "apps" not in inspect(engine).get_table_names()
    command.upgrade(config, "apps@head")
    assert _apps_differences(engine) == []
