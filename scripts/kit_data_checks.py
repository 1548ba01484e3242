"""Checks the kit data build scripts make of their inputs before writing anything."""

from __future__ import annotations


class InputMismatch(ValueError):
    """A source file is not what the build expects; nothing is written."""


def expect(condition: object, problem: str) -> None:
    """Raise InputMismatch with ``problem`` unless ``condition`` holds."""
    if not condition:
        raise InputMismatch(problem)


def expect_rows(name: str, rows: list, count: int) -> None:
    """Refuse a file that does not have exactly ``count`` data rows."""
    expect(len(rows) == count, f"{name} has {len(rows):,} rows, expected {count:,}")
