"""Prepared statements run on the database driver's own cursor, for a hot path's writes.

The ORM session and Core's execution machinery cost tens of microseconds of
Python per statement on top of the database's own work. On a path taken
hundreds of times a second (pledge signing) that is most of the write, and
under load it is most of what separates the path from the framework floor.

``Prepared`` wraps a Core statement (written with SQLAlchemy as usual, so it
follows the models and the dialect) and compiles it once per kind of database.
``driver_write()`` (in ``campaignkit.core``) opens one write transaction on a
pooled connection, taking the same writer turn on SQLite as
``write_session()``, and its ``DriverWrite`` runs prepared statements
straight on the driver's cursor. Values pass through the columns' own
conversions (SQLite's text form of a datetime, booleans as integers) both
ways, so what the ORM reads back is what it would have written. A driver's
error is raised as SQLAlchemy's (a ``sqlalchemy.exc.DBAPIError`` subclass)
and a connection the server dropped is discarded, as Core does.

Use it only where a benchmark shows the need: ``write_session()`` is simpler.
Parameters that expand (``IN`` lists) are not supported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, exc, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable

#: A statement, or a function that builds it for a dialect's name ("sqlite", "postgresql")
#: when the statement differs between them (``INSERT ... ON CONFLICT``).
Statement = Executable | Callable[[str], Executable]
Row = tuple[Any, ...]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: Parameter names in order, for a positional paramstyle (SQLite's ``?``); None when named.
    order: tuple[str, ...] | None
    #: Values written into the statement itself (``.values(status="open")``).
    fixed: dict[str, Any]
    #: (name, conversion) of each parameter whose type converts values for the driver.
    conversions: tuple[tuple[str, Callable[[Any], Any]], ...]
    #: A conversion (or None) per returned column; None when no column needs one.
    results: tuple[Callable[[Any], Any] | None, ...] | None

    def parameters(self, given: Mapping[str, Any]) -> tuple | dict[str, Any]:
        """The driver's parameters for ``given`` values (by bind name)."""
        values = {**self.fixed, **given}
        for name, convert in self.conversions:
            value = values.get(name)
            if value is not None:
                values[name] = convert(value)
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)

    def rows(self, found: Sequence[Row]) -> list[Row]:
        """The driver's rows with each returned column converted back to Python values."""
        if self.results is None:
            return list(found)
        return [
            tuple(
                value if convert is None else convert(value)
                for convert, value in zip(self.results, row, strict=True)
            )
            for row in found
        ]


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if getattr(compiled, "post_compile_params", None):
        raise ValueError("a prepared statement cannot take expanding (IN list) parameters")
    fixed, conversions = {}, []
    for bind, name in compiled.bind_names.items():
        if not bind.required:
            fixed[name] = bind.effective_value
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            conversions.append((name, convert))
    columns = getattr(statement, "exported_columns", ())
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    order = tuple(compiled.positiontup) if dialect.positional else None
    return _Compiled(
        compiled.string, order, fixed, tuple(conversions), results if any(results) else None
    )


def column_parameters(table: Table) -> dict[str, BindParameter]:
    """A parameter for every column of ``table`` but ``id``, named after it: the values of an
    ``insert(table).values(...)`` to prepare, given by column name when it runs."""
    return {column.name: bindparam(column.name) for column in table.c if column.name != "id"}


class Prepared:
    """A Core statement compiled once per kind of database, for ``DriverWrite`` to run.

    Build it once, at import: ``SIGN = Prepared(insert(Signature.__table__).values(...))``;
    name its parameters with ``bindparam("name")`` and pass them by those names.
    """

    def __init__(self, statement: Statement) -> None:
        self._statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement compiled for ``dialect`` (the first call compiles it)."""
        found = self._by_dialect.get(dialect.name)
        if found is None:
            statement = self._statement
            if not isinstance(statement, Executable):
                statement = statement(dialect.name)
            found = self._by_dialect.setdefault(dialect.name, _compile(statement, dialect))
        return found


class PreparedInsert:
    """An ``INSERT`` of every column of a table but ``id``, many rows in one statement.

    ``DriverWrite.insert_rows`` sends up to ``rows_per_statement`` rows as one
    multi-row ``INSERT ... VALUES (...), (...)``: one round trip. (psycopg's
    ``executemany`` runs a pipeline, which cost more Python than it saved for
    the two or three rows of a batch of signatures.) Compiled once per kind of
    database and row count.
    """

    def __init__(self, table: Table, rows_per_statement: int = 50) -> None:
        self._table = table
        self._columns = tuple(column for column in table.c if column.name != "id")
        self.rows_per_statement = rows_per_statement
        self._by_dialect: dict[tuple[str, int], _Compiled] = {}

    def compiled(self, dialect: Dialect, count: int) -> _Compiled:
        """The statement for ``count`` rows, compiled for ``dialect`` (the first call compiles it).

        Row ``n``'s values are named ``<column>_<n>``; ``parameters`` names them so.
        """
        found = self._by_dialect.get((dialect.name, count))
        if found is None:
            statement = insert(self._table).values(self.value_rows(count))
            found = self._by_dialect.setdefault((dialect.name, count), _compile(statement, dialect))
        return found

    def value_rows(self, count: int) -> list[dict[str, BindParameter]]:
        """``count`` rows of parameters, by column, for ``.values(...)`` of an insert of this
        table (one with ``ON CONFLICT``, say); ``parameters`` names their values."""
        return [
            {c.name: bindparam(f"{c.name}_{n}", type_=c.type) for c in self._columns}
            for n in range(count)
        ]

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Every row's values (by column name) under the names the statement gives them."""
        return {
            f"{column.name}_{n}": row[column.name]
            for n, row in enumerate(rows)
            for column in self._columns
        }


class DriverWrite:
    """One write transaction on a driver connection: run prepared statements in it."""

    def __init__(self, connection: PoolProxiedConnection, dialect: Dialect) -> None:
        self._connection = connection
        self._cursor = connection.cursor()
        self.dialect = dialect

    def rows(self, statement: Prepared, values: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a statement that returns rows (a SELECT, or RETURNING); every row, as tuples."""
        compiled = statement.compiled(self.dialect)
        self._execute(compiled.sql, compiled.parameters(values or {}))
        return compiled.rows(self._cursor.fetchall())

    def first(self, statement: Prepared, values: Mapping[str, Any] | None = None) -> Row | None:
        """The first row a statement returns, or None when it returns none."""
        found = self.rows(statement, values)
        return found[0] if found else None

    def run(self, statement: Prepared, values: Mapping[str, Any] | None = None) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        compiled = statement.compiled(self.dialect)
        self._execute(compiled.sql, compiled.parameters(values or {}))
        return self._cursor.rowcount

    def insert_rows(self, statement: PreparedInsert, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows (each a value for every column but ``id``), many per statement."""
        step = statement.rows_per_statement
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            compiled = statement.compiled(self.dialect, len(chunk))
            self._execute(compiled.sql, compiled.parameters(statement.parameters(chunk)))

    def _execute(self, sql: str, parameters: Any) -> None:  # noqa: ANN401
        try:
            self._cursor.execute(sql, parameters)
        except self.dialect.loaded_dbapi.Error as error:
            raise self._translated(error, sql, parameters) from error

    def _translated(self, error: Exception, sql: str | None, parameters: Any) -> exc.DBAPIError:  # noqa: ANN401
        """SQLAlchemy's exception for a driver error; a dropped connection is discarded."""
        dropped = self.dialect.is_disconnect(error, self._connection.dbapi_connection, self._cursor)
        if dropped:
            self._connection.invalidate(error)
        return exc.DBAPIError.instance(
            sql, parameters, error, self.dialect.loaded_dbapi.Error,
            connection_invalidated=dropped, dialect=self.dialect,
        )  # fmt: skip

    def _end(self, commit: bool) -> None:
        if not self._connection.is_valid:
            return
        try:
            if commit:
                self._connection.commit()
            else:
                self._connection.rollback()
        except self.dialect.loaded_dbapi.Error as error:
            raise self._translated(error, "COMMIT" if commit else "ROLLBACK", ()) from error


@contextmanager
def driver_transaction(
    connection: PoolProxiedConnection, dialect: Dialect, begin: str | None
) -> Iterator[DriverWrite]:
    """A transaction on a checked-out driver connection: committed when the block ends,
    rolled back if it raises; ``begin`` is the statement that opens it (SQLite's
    ``BEGIN IMMEDIATE``), None where the driver opens one by itself (psycopg)."""
    write = DriverWrite(connection, dialect)
    if begin is not None:
        write._execute(begin, ())
    try:
        yield write
    except BaseException:
        with suppress(exc.DBAPIError):  # the connection is gone: the block's own error says more
            write._end(commit=False)
        raise
    write._end(commit=True)
