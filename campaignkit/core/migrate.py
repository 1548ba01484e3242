"""Schema migrations with Alembic: one branch for core, one per plugin.

Core's revisions live in ``campaignkit/core/migrations/versions``; a plugin's
in the ``migrations/`` folder of its package, its first revision labelled with
the plugin's name. Every installed plugin's folder is known to Alembic (so a
database that once had a plugin enabled still makes sense), but only core and
the enabled plugins are upgraded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from campaignkit.core.db import Database

CORE_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Branch:
    """A migration branch: its label (core or a plugin name) and its folder."""

    label: str
    folder: Path


def alembic_config(database: Database, branches: list[Branch]) -> Config:
    """An Alembic config for this database that knows every branch's folder."""
    config = Config()
    config.set_main_option("script_location", str(CORE_MIGRATIONS))
    config.set_main_option("path_separator", "os")
    folders = [str(CORE_MIGRATIONS / "versions")] + [str(b.folder) for b in branches]
    config.set_main_option("version_locations", os.pathsep.join(folders))
    writer = database.engine.execution_options(sqlite_begin="IMMEDIATE")
    config.attributes["engine"] = writer
    return config


def upgrade(database: Database, branches: list[Branch], enabled: list[str]) -> list[str]:
    """Bring core and every enabled plugin's branch to its head; return the labels upgraded."""
    config = alembic_config(database, branches)
    labels = ["core"] + [b.label for b in branches if b.label in enabled]
    for label in labels:
        command.upgrade(config, f"{label}@head")
    return labels


def pending(database: Database, branches: list[Branch], enabled: list[str]) -> list[str]:
    """Labels of core/enabled branches whose head is not yet applied."""
    config = alembic_config(database, branches)
    scripts = ScriptDirectory.from_config(config)
    with database.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    applied = {rev.revision for rev in scripts.iterate_revisions(heads, "base")} if heads else set()
    behind = []
    for label in ["core"] + [b.label for b in branches if b.label in enabled]:
        head = scripts.get_revision(f"{label}@head")
        if head is not None and head.revision not in applied:
            behind.append(label)
    return behind
