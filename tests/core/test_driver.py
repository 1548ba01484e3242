"""Prepared statements on the driver's cursor (``driver_write``), on SQLite and PostgreSQL.

What they store must be exactly what the ORM stores (SQLite keeps datetimes and
booleans in its own text and integer forms), what they read must come back as
Python values, and a failure must roll back everything and surface as
SQLAlchemy's own exception, as ``write_session`` does.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from campaignkit.core import (
    Prepared,
    PreparedInsert,
    driver_write,
    record_consents,
    write_session,
)
from campaignkit.core.flags import Flag
from campaignkit.core.records import ConsentRecord
from campaignkit.core.session import db_session

FLAGS = Flag.__table__
ADD_FLAG = Prepared(
    insert(FLAGS).values(
        name=bindparam("name"), description="", enabled=bindparam("enabled"),
        percentage=0, roles="", users="", updated_at=bindparam("updated_at"),
    )
)  # fmt: skip
FLAG = Prepared(
    select(FLAGS.c.enabled, FLAGS.c.updated_at, FLAGS.c.percentage).where(
        FLAGS.c.name == bindparam("name")
    )
)
SWITCH_OFF = Prepared(
    update(FLAGS)
    .where(FLAGS.c.name == bindparam("name"))
    .values(enabled=False)
    .returning(FLAGS.c.enabled, FLAGS.c.updated_at)
)
CHANGED = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _stored(app: Flask, name: str) -> tuple:
    """The flag's row as the database holds it, read with plain SQL."""
    with app.extensions["campaignkit"].database.engine.connect() as connection:
        query = text("SELECT enabled, updated_at FROM ck_flags WHERE name = :name")
        return tuple(connection.execute(query, {"name": name}).one())


def test_prepared_statements_store_what_the_orm_stores_and_read_python_values(app: Flask):
    with app.test_request_context():
        with write_session() as session:
            session.add(Flag(name="by-orm", enabled=True, updated_at=CHANGED))
        with driver_write() as write:
            assert (
                write.run(ADD_FLAG, {"name": "by-driver", "enabled": True, "updated_at": CHANGED})
                == 1
            )
            enabled, updated_at, percentage = write.first(FLAG, {"name": "by-driver"})
            assert write.first(FLAG, {"name": "nobody"}) is None
        assert _stored(app, "by-driver") == _stored(app, "by-orm")
        # Read back as Python values: a bool and a datetime (SQLite keeps no time zone).
        assert (enabled, percentage) == (True, 0)
        assert updated_at.replace(tzinfo=UTC) == CHANGED
        # Values written into the statement (enabled=False) and RETURNING rows convert too.
        with driver_write() as write:
            assert write.rows(SWITCH_OFF, {"name": "by-driver"})[0][0] is False
        assert db_session().get(Flag, "by-driver").enabled is False


def test_a_driver_write_that_fails_keeps_nothing_and_raises_sqlalchemys_error(app: Flask):
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="changed my mind"), driver_write() as write:
            write.run(ADD_FLAG, {"name": "first", "enabled": True, "updated_at": CHANGED})
            raise RuntimeError("changed my mind")
        # A failure inside the database (a repeated key) undoes the earlier rows too.
        with pytest.raises(IntegrityError), driver_write() as write:
            write.run(ADD_FLAG, {"name": "second", "enabled": True, "updated_at": CHANGED})
            write.run(ADD_FLAG, {"name": "second", "enabled": True, "updated_at": CHANGED})
        assert db_session().scalar(select(func.count()).select_from(FLAGS)) == 0
        # Nothing was left locked or open: the next write goes through.
        with driver_write() as write:
            write.run(ADD_FLAG, {"name": "after", "enabled": True, "updated_at": CHANGED})
        assert db_session().scalars(select(FLAGS.c.name)).all() == ["after"]


def test_consents_recorded_in_a_driver_write_match_the_orms(app: Flask):
    with app.test_request_context():
        wording = {"purpose": "test.sign", "wording": "Keep my details.", "version": "t-1"}
        with driver_write() as write:
            record_consents(write, [" Ana@Example.org", "bo@example.org"], source="a", **wording)
        with write_session() as session:
            record_consents(session, ["cy@example.org"], source="b", **wording)
        records = db_session().scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
        assert [r.subject_email for r in records] == [
            "ana@example.org",
            "bo@example.org",
            "cy@example.org",
        ]
        assert {(r.purpose, r.method, r.user_id, r.withdrawn_at) for r in records} == {
            ("test.sign", "checkbox", None, None)
        }


def test_rows_inserted_many_per_statement_are_all_stored_as_the_orm_stores_them(app: Flask):
    rows = [
        {"name": f"flag-{n}", "description": f"number {n}", "enabled": n % 2 == 0,
         "percentage": n, "roles": "", "users": "", "updated_at": CHANGED}
        for n in range(7)
    ]  # fmt: skip
    with app.test_request_context():
        with driver_write() as write:  # 3 + 3 + 1 rows: the last statement is a shorter one
            write.insert_rows(PreparedInsert(FLAGS, rows_per_statement=3), rows)
        with write_session() as session:
            session.add(Flag(name="by-orm", enabled=True, updated_at=CHANGED))
        stored = (
            db_session()
            .execute(
                select(FLAGS.c.name, FLAGS.c.description, FLAGS.c.enabled, FLAGS.c.percentage)
                .where(FLAGS.c.name != "by-orm")
                .order_by(FLAGS.c.percentage)
            )
            .all()
        )
        assert [tuple(row) for row in stored] == [
            (row["name"], row["description"], row["enabled"], row["percentage"]) for row in rows
        ]
        assert _stored(app, "flag-0") == _stored(app, "by-orm")
        # A failing row (a repeated key) keeps none of the rows.
        with pytest.raises(IntegrityError), driver_write() as write:
            write.insert_rows(PreparedInsert(FLAGS), [{**rows[0], "name": "new"}, rows[1]])
        assert db_session().scalar(select(func.count()).select_from(FLAGS)) == 8


def test_a_driver_write_holds_the_sqlite_write_lock_from_its_start(app: Flask, backend: str):
    if backend != "sqlite":
        pytest.skip("PostgreSQL locks rows, not the database")
    path = app.extensions["campaignkit"].database.engine.url.database
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with app.test_request_context(), driver_write() as write:
            write.first(FLAG, {"name": "a read, nothing more"})
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                probe.execute("BEGIN IMMEDIATE")
        probe.execute("BEGIN IMMEDIATE")  # committed: the lock is free again
        probe.execute("ROLLBACK")
    finally:
        probe.close()


def test_a_statement_with_an_expanding_list_is_refused(app: Flask):
    names = Prepared(
        select(FLAGS.c.name).where(FLAGS.c.name.in_(bindparam("names", expanding=True)))
    )
    with (
        app.test_request_context(),
        driver_write() as write,
        pytest.raises(ValueError, match="expanding"),
    ):
        write.rows(names, {"names": ["a", "b"]})


def test_a_one_statement_write_stores_its_statement_and_leaves_transactions_on(
    app: Flask, backend: str
):
    engine = app.extensions["campaignkit"].database.engine
    with app.test_request_context():
        with driver_write(one_statement=True) as write:
            write.run(ADD_FLAG, {"name": "alone", "enabled": True, "updated_at": CHANGED})
            assert write.first(FLAG, {"name": "alone"})[0] is True  # reads may follow
        # A failing statement stores nothing, and its connection is not left broken.
        with pytest.raises(IntegrityError), driver_write(one_statement=True) as write:
            write.run(ADD_FLAG, {"name": "alone", "enabled": True, "updated_at": CHANGED})
        # The pooled connection runs transactions again: a later write that fails keeps nothing.
        for _ in range(engine.pool.size() + 1):  # whichever connection the pool hands out
            with pytest.raises(RuntimeError), driver_write() as write:
                write.run(ADD_FLAG, {"name": "undone", "enabled": True, "updated_at": CHANGED})
                raise RuntimeError("changed my mind")
        assert db_session().scalars(select(FLAGS.c.name)).all() == ["alone"]
        if backend == "postgresql":  # no BEGIN or COMMIT was needed: the pool's are all off
            with engine.connect() as connection:
                assert connection.connection.dbapi_connection.autocommit is False
