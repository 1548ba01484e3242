"""The videos tables: the migration makes exactly what the models say, and goes back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from campaignkit.core.db import Model
from campaignkit.core.migrate import alembic_config

TABLES = {
    "videos_producers",
    "videos_briefs",
    "videos_brief_assets",
    "videos_claims",
    "videos_submissions",
    "videos_reviews",
    "videos_state_changes",
    "videos_takedowns",
}


def _videos_differences(engine) -> list:  # noqa: ANN001
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    return [d for d in differences if "videos_" in repr(d)]


def test_the_migration_matches_the_models_and_downgrades(backend, app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    engine = state.database.engine
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _videos_differences(engine) == []
    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "videos@base")
    assert not TABLES & set(inspect(engine).get_table_names())
    command.upgrade(config, "videos@head")
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert _videos_differences(engine) == []
