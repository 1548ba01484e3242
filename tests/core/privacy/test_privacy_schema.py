"""The privacy migration builds exactly the log tables the models describe, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from campaignkit.core.db import Model
from campaignkit.core.migrate import alembic_config

LOG_TABLES = {"ck_erasures", "ck_exports"}


def test_migration_matches_the_models_and_downgrades(app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    engine = state.database.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    ours = [d for d in differences if any(table in str(d) for table in LOG_TABLES)]
    assert ours == []
    assert set(inspect(engine).get_table_names()) >= LOG_TABLES | {"petition_signature"}

    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "core_0003")
    assert not LOG_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(config, "heads")
    assert set(inspect(engine).get_table_names()) >= LOG_TABLES
