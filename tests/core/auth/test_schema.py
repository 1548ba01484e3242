"""The accounts migration builds exactly the tables the models describe, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from campaignkit.core.db import Model
from campaignkit.core.migrate import alembic_config

ACCOUNT_TABLES = {"ck_users", "ck_invites", "ck_api_tokens", "ck_signin_failures"}


def _tables_named(difference) -> set[str]:  # noqa: ANN001
    """Table names an Alembic difference mentions (as a string, a Table, or a column's table)."""
    names: set[str] = set()
    for part in difference if isinstance(difference, list) else [difference]:
        for item in part[1:]:
            if isinstance(item, str):
                names.add(item)
            table = getattr(item, "table", None)
            for name in (getattr(table, "name", None), getattr(item, "name", None)):
                if isinstance(name, str):
                    names.add(name)
    return names


def test_migration_matches_the_models_and_downgrades(app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    engine = state.database.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    ours = [d for d in differences if _tables_named(d) & ACCOUNT_TABLES]
    assert ours == []
    assert set(inspect(engine).get_table_names()) >= ACCOUNT_TABLES

    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "core_0001")
    assert not ACCOUNT_TABLES & set(inspect(engine).get_table_names())
    command.upgrade(config, "core@head")
    assert set(inspect(engine).get_table_names()) >= ACCOUNT_TABLES
