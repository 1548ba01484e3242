"""``campaignkit kit data-status``: which data each kit ships, from when and where from."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from campaignkit.cli import main
from campaignkit.core.kits import load_kit
from campaignkit.testing import INSTANCE_VARIABLES


def _status(*names: str):  # noqa: ANN202 - click's Result
    cleared: dict[str, str | None] = dict.fromkeys(INSTANCE_VARIABLES)
    return CliRunner().invoke(main, ["kit", "data-status", *names], env=cleared)


def test_data_status_lists_both_kits_tables_dates_and_sources():
    result = _status()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "uk: data as of 2024 general election" in out
    assert "  seats.csv: 650 rows" in out and "  sectors.csv: 10,847 rows" in out
    assert "Open Parliament Licence v3.0" in out
    assert "also (not from the build, see README.md): demo_events.csv" in out
    assert "us: data as of 119th Congress districts" in out
    assert "  zips.csv: 33,791 rows" in out and "  seats.csv: 437 rows" in out
    assert "US Census Bureau" in out and "public domain" in out


def test_data_status_names_a_table_changed_or_missing_since_the_build(tmp_path: Path):
    folder = tmp_path / "my-kit"
    shutil.copytree(load_kit("us").path, folder)
    seats = folder / "data" / "seats.csv"
    seats.write_text("".join(seats.read_text("utf-8").splitlines(keepends=True)[:-1]), "utf-8")
    (folder / "data" / "states.csv").unlink()
    result = _status(str(folder))
    assert result.exit_code == 1
    assert "  seats.csv: 436 rows, but built with 437: changed since the build" in result.output
    assert "  states.csv: MISSING" in result.output


def test_a_kit_without_a_manifest_points_at_its_readme(tmp_path: Path):
    folder = tmp_path / "bare-kit"
    shutil.copytree(load_kit("us").path, folder)
    (folder / "data" / "manifest.json").unlink()
    result = _status(str(folder))
    assert result.exit_code == 0
    assert "no manifest.json, so where they came from is only in the folder's README.md" in (
        result.output
    )
