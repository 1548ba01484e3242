"""Schema migrations with Alembic: one branch for core, one per plugin.

Core's revisions live in ``campaignkit/core/migrations/versions``; a plugin's
in the ``migrations/`` folder of its package, its first revision labelled with
the plugin's name and depending on core (``depends_on = "core_0001"``), never
revising one of core's. Every installed plugin's folder is known to Alembic (so
a database that once had a plugin enabled still makes sense), but only core and
the enabled plugins are upgraded.

Alembic's version table keeps only the newest revisions, so once a plugin's
revision (which depends on core) is applied, core's row is folded into it. If
that plugin's folder later disappears (a plugin registered only while enabled,
or since uninstalled), the table alone no longer says where core is. So
``upgrade()`` also remembers each branch's head in ``ck_migration_heads``;
when the version table holds revisions no known folder has, those are ignored
and the remembered heads fill the gap. The plugin's tables stay; core and the
other plugins carry on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table, delete, inspect, select

from campaignkit.core.db import Database
from campaignkit.core.registry import PluginError

CORE_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEADS_TABLE = "ck_migration_heads"

#: Each branch's head as of the last upgrade; kept beside Alembic's own version table.
migration_heads = Table(
    HEADS_TABLE,
    MetaData(),
    Column("label", String(200), primary_key=True),
    Column("revision", String(200), nullable=False),
)


class MigrationError(PluginError):
    """A plugin's migrations folder cannot be used; the message names the plugin."""


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


def _labels(scripts: ScriptDirectory, branches: list[Branch], enabled: list[str]) -> list[str]:
    """Core and the enabled plugins' labels, checking each names a branch Alembic knows."""
    labels = ["core"] + [b.label for b in branches if b.label in enabled]
    known = {name for script in scripts.walk_revisions() for name in script.branch_labels}
    for label in labels:
        if label not in known:
            folder = next((b.folder for b in branches if b.label == label), None)
            raise MigrationError(
                f"plugin '{label}': no revision in {folder} is labelled '{label}'; "
                f'give its first revision branch_labels = ("{label}",)'
            )
    return labels


def _remembered_heads(database: Database) -> list[str]:
    """The branch heads written down by the last upgrades (none before the first)."""
    with database.engine.connect() as connection:
        if not inspect(connection).has_table(HEADS_TABLE):
            return []
        return list(connection.execute(select(migration_heads.c.revision)).scalars())


def _effective_heads(
    scripts: ScriptDirectory, recorded: tuple[str, ...], remembered: list[str]
) -> tuple[str, ...]:
    """The applied heads as far as the known folders can tell.

    Recorded revisions that no known folder holds are dropped, and then the
    remembered branch heads stand in for what they had folded away.
    """
    revisions = {script.revision for script in scripts.walk_revisions()}
    heads = [head for head in recorded if head in revisions]
    if len(heads) < len(recorded):
        heads += [head for head in remembered if head in revisions and head not in heads]
    implied: set[str] = set()
    for head in heads:
        implied |= {r.revision for r in scripts.iterate_revisions(head, "base")} - {head}
    return tuple(head for head in heads if head not in implied)


def _remember_heads(database: Database, scripts: ScriptDirectory, labels: list[str]) -> None:
    """Write down the head each upgraded branch has reached."""
    with database.write() as session:
        migration_heads.create(session.connection(), checkfirst=True)
        session.execute(delete(migration_heads).where(migration_heads.c.label.in_(labels)))
        session.execute(
            migration_heads.insert(),
            [
                {"label": label, "revision": scripts.get_revision(f"{label}@head").revision}
                for label in labels
            ],
        )


def upgrade(database: Database, branches: list[Branch], enabled: list[str]) -> list[str]:
    """Bring core and every enabled plugin's branch to its head; return the labels upgraded."""
    config = alembic_config(database, branches)
    scripts = ScriptDirectory.from_config(config)
    labels = _labels(scripts, branches, enabled)
    remembered = _remembered_heads(database)
    for label in labels:
        target = f"{label}@head"

        def steps(heads, _context, target=target):  # noqa: ANN001, ANN202 - Alembic's callback
            # As alembic.command.upgrade, but from the effective heads.
            effective = _effective_heads(scripts, tuple(heads), remembered)
            return scripts._upgrade_revs(target, effective)

        with EnvironmentContext(config, scripts, fn=steps, destination_rev=target):
            scripts.run_env()
    _remember_heads(database, scripts, labels)
    return labels


def pending(database: Database, branches: list[Branch], enabled: list[str]) -> list[str]:
    """Labels of core/enabled branches whose head is not yet applied."""
    config = alembic_config(database, branches)
    scripts = ScriptDirectory.from_config(config)
    labels = _labels(scripts, branches, enabled)
    with database.engine.connect() as connection:
        recorded = MigrationContext.configure(connection).get_current_heads()
    heads = _effective_heads(scripts, recorded, _remembered_heads(database))
    applied = {rev.revision for rev in scripts.iterate_revisions(heads, "base")} if heads else set()
    behind = []
    for label in labels:
        head = scripts.get_revision(f"{label}@head")
        if head is not None and head.revision not in applied:
            behind.append(label)
    return behind
