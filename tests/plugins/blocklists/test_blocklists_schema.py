"""The blocklists tables: the migrations make exactly what the models say, and go back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from campaignkit.core.db import Model
from campaignkit.core.migrate import alembic_config

SUBSCRIBER_TABLES = {
    "blocklists_connections",
    "blocklists_subscriptions",
    "blocklists_mastodon_apps",
    "blocklists_applied",
    "blocklists_hands_off",
    "blocklists_steps",
    "blocklists_mastodon_ids",
}


def _blocklists_differences(engine) -> list:  # noqa: ANN001
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    return [d for d in differences if "blocklists" in repr(d)]


def test_the_migrations_match_the_models_and_downgrade(backend, app):  # noqa: ANN001
    state = app.extensions["campaignkit"]
    engine = state.database.engine
    assert _blocklists_differences(engine) == []
    assert set(inspect(engine).get_table_names()) >= SUBSCRIBER_TABLES
    config = alembic_config(state.database, state.branches())
    command.downgrade(config, "blocklists_0001")
    tables = set(inspect(engine).get_table_names())
    assert not SUBSCRIBER_TABLES & tables and "blocklists_entries" in tables
    command.upgrade(config, "blocklists@head")
    assert set(inspect(engine).get_table_names()) >= SUBSCRIBER_TABLES
    assert _blocklists_differences(engine) == []
