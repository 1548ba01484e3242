"""Fixtures for the marginals plugin: a small Code-Point Open zip of real rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from marginals_samples import BAD_ROWS, CODEPOINT, sample_lines, write_codepoint_zip


@pytest.fixture(scope="session")
def sample_rows() -> dict[str, list[str]]:
    """Real Code-Point Open rows from three areas (England, Scotland, Wales)."""
    if not CODEPOINT.is_file():
        pytest.skip(f"needs the shared UK data ({CODEPOINT.name})")
    return sample_lines()


@pytest.fixture(scope="session")
def sample_zip(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Path:  # noqa: ANN001
    """A small Code-Point Open zip of real rows plus a few bad ones."""
    lines = {area: list(rows) for area, rows in sample_rows.items()}
    lines["cf"] += BAD_ROWS
    return write_codepoint_zip(tmp_path_factory.mktemp("codepoint") / "codepo_gb.zip", lines)
