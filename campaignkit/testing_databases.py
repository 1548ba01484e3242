"""Migrated test databases, made fast: each schema is migrated once per test process.

What ``migrate`` makes depends only on the enabled plugins and their
migration folders, so a test process migrates each such set once and copies
the result into every later test database of the same set:

- SQLite: the migrated file is kept, and copied with SQLite's backup API;
- PostgreSQL: the migrated database is cloned into a template database
  (``CREATE DATABASE ... TEMPLATE``), and a later test's empty database is
  replaced by a clone of it. The templates are dropped when the process ends.

Databases that already have tables are migrated as usual.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import tempfile
import time
from contextlib import closing, suppress
from functools import cache
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from campaignkit.core.migrate import upgrade


def migrate(app: Flask) -> Flask:
    """Apply every migration the app's enabled plugins need; returns the app."""
    state = app.extensions["campaignkit"]
    upgrade(state.database, state.branches(), state.instance.enabled)
    return app


#: SQLite files this test process migrated, by what decides their tables.
_SQLITE_MIGRATED: dict[tuple, Path] = {}
#: PostgreSQL template databases this test process made, by what decides their tables.
_POSTGRES_TEMPLATES: dict[tuple, str] = {}


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database over another with SQLite's own backup (safe with WAL)."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(target)) as writer:
        reader.backup(writer)


def _is_empty_sqlite(path: Path) -> bool:
    """Whether a SQLite file is missing or has no tables yet."""
    if not path.exists():
        return True
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _schema_key(app: Flask) -> tuple:
    """What decides a migrated database's tables: the enabled plugins and migration folders."""
    state = app.extensions["campaignkit"]
    branches = tuple(sorted((branch.label, str(branch.folder)) for branch in state.branches()))
    return tuple(state.instance.enabled), branches


def _migrate_sqlite(app: Flask, path: Path) -> Flask:
    """Migrate an empty SQLite file, or copy in the one migrated before for the same schema."""
    database, key = app.extensions["campaignkit"].database, _schema_key(app)
    database.dispose()
    if key in _SQLITE_MIGRATED:
        _sqlite_copy(_SQLITE_MIGRATED[key], path)
        return app
    migrate(app)
    database.dispose()
    _SQLITE_MIGRATED[key] = Path(tempfile.mkdtemp(prefix="ck-migrated-")) / "database.sqlite"
    _sqlite_copy(path, _SQLITE_MIGRATED[key])
    return app


def _admin_run(url: URL, *statements: str) -> None:
    """Run statements on the server's ``postgres`` database, outside a transaction."""
    with admin_engine(url.set(database="postgres")).connect() as connection:
        for statement in statements:
            connection.execute(text(statement))


@cache
def admin_engine(url: URL) -> Engine:
    """One pooled engine per server, role and database for this test process, outside
    transactions: test databases are made and dropped over a kept connection instead of a
    new login each time."""
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, pool_pre_ping=True)


def _drop_new_database(url: URL, attempts: int = 100) -> None:
    """Drop the test's new, empty database, retried for up to about 10 s: the server's
    autovacuum may be looking at a database just made, and a role without superuser
    rights cannot end that session (``WITH (FORCE)`` then fails until it is done)."""
    for attempt in range(attempts):
        try:
            _admin_run(url, f'DROP DATABASE "{url.database}" WITH (FORCE)')
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _drop_templates(url: URL) -> None:
    """Drop this process's template databases (at exit; a failure leaves them behind)."""
    for name in _POSTGRES_TEMPLATES.values():
        with suppress(Exception):  # the server may be gone at exit
            _admin_run(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate_postgres(app: Flask, url: URL) -> Flask:
    """Migrate an empty PostgreSQL database, or replace it with a clone of the template
    made before for the same schema (its name, owner and URL stay the same)."""
    database, key = app.extensions["campaignkit"].database, _schema_key(app)
    database.dispose()
    name = url.database
    if key in _POSTGRES_TEMPLATES:
        _drop_new_database(url)
        _admin_run(url, f'CREATE DATABASE "{name}" TEMPLATE "{_POSTGRES_TEMPLATES[key]}"')
        return app
    migrate(app)
    database.dispose()
    if not _POSTGRES_TEMPLATES:
        atexit.register(_drop_templates, url)
    template = f"ck_template_{os.getpid()}_{len(_POSTGRES_TEMPLATES)}"
    _admin_run(url, f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
    _POSTGRES_TEMPLATES[key] = template
    return app


def migrate_test_database(app: Flask) -> Flask:
    """``migrate``, faster for tests: a new, empty database becomes a copy of one this
    process already migrated for the same plugins and migration folders (SQLite files and
    PostgreSQL databases). Databases that have tables are migrated as usual."""
    database = app.extensions["campaignkit"].database
    url = database.engine.url
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return _migrate_sqlite(app, path) if _is_empty_sqlite(path) else migrate(app)
    if backend == "postgresql" and url.database:
        with database.engine.connect() as connection:
            empty = not inspect(connection).get_table_names()
        return _migrate_postgres(app, url) if empty else migrate(app)
    return migrate(app)
