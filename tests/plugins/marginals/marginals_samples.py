"""Helpers for the marginals tests: the raw UK data and small real Code-Point Open zips."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

#: The raw national files (Code-Point Open, the Commons Library results, ...), kept
#: beside the repository by maintainers; a fresh clone does not have them.
SHARED_UK = Path(__file__).resolve().parents[4] / "shared" / "data" / "uk"
#: Marks a test that reads the raw national files: skipped, with the reason, without them.
needs_raw_uk_data = pytest.mark.skipif(
    not SHARED_UK.is_dir(),
    reason=f"needs the raw UK data files (Code-Point Open, results) in {SHARED_UK}",
)
CODEPOINT = SHARED_UK / "codepo_gb.zip"
#: Postcode areas sampled: England (Bristol), Scotland (Edinburgh), Wales (Cardiff).
SAMPLE_AREAS = {"bs": "England", "eh": "Scotland", "cf": "Wales"}
SAMPLE_PER_AREA = 70
BAD_ROWS = [
    '"CF99 9ZZ",90,0,0,"W92000004","","","","W06000015",""',  # no position
    '"NOT A CODE",10,318000,176000,"W92000004","","","","W06000015",""',
    "truncated",
]


def shared_rows(name: str) -> list[dict[str, str]]:
    """The rows of a raw UK data file."""
    with (SHARED_UK / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sample_lines() -> dict[str, list[str]]:
    """Real Code-Point rows: every n-th row of each sample area, up to SAMPLE_PER_AREA."""
    lines = {}
    with zipfile.ZipFile(CODEPOINT) as archive:
        for area in SAMPLE_AREAS:
            rows = archive.read(f"codepo_gb/Data/CSV/{area}.csv").decode().splitlines()
            step = max(1, len(rows) // SAMPLE_PER_AREA)
            lines[area] = [row for row in rows[::step] if ",0,0," not in row][:SAMPLE_PER_AREA]
    return lines


def write_codepoint_zip(path: Path, lines: dict[str, list[str]]) -> Path:
    """A zip laid out as Ordnance Survey distributes Code-Point Open."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("codepo_gb/Doc/readme.txt", "Code-Point Open sample\n")
        for area, rows in lines.items():
            archive.writestr(f"codepo_gb/Data/CSV/{area}.csv", "\n".join(rows) + "\n")
    return path


def postcodes_of(rows: list[str]) -> list[str]:
    """The postcodes of raw Code-Point rows."""
    return [row.split(",")[0].strip('"') for row in rows]
