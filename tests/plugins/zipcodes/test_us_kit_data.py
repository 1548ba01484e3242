"""The shipped US tables: rebuilt exactly by the script, which refuses inputs that do not add up."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from campaignkit.plugins.zipcodes.tables import load_zip_tables

ROOT = Path(__file__).resolve().parents[3]
KIT_DATA = ROOT / "campaignkit" / "kits" / "us" / "data"
SCRIPT = ROOT / "scripts" / "build_us_kit_data.py"
SHARED_US = ROOT.parent / "shared" / "data" / "us"
needs_raw_us_data = pytest.mark.skipif(
    not SHARED_US.is_dir(), reason=f"needs the raw US data files (Census ZCTAs) in {SHARED_US}"
)


@pytest.fixture(scope="module")
def script():
    """The build script, loaded as a module."""
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("build_us_kit_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_raw_us_data
def test_script_rebuilds_the_shipped_tables_exactly(script, tmp_path):
    written = script.build(SHARED_US, tmp_path)
    assert [p.name for p in written] == ["states.csv", "seats.csv", "zips.csv", "manifest.json"]
    for path in written:
        assert path.read_bytes() == (KIT_DATA / path.name).read_bytes(), path.name
    again = script.build(SHARED_US, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]
    assert "public domain" in (KIT_DATA / "README.md").read_text("utf-8")


def _copy(source: Path, target: Path, name: str, change=None) -> None:  # noqa: ANN001
    with (source / name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if change:
        rows = change(rows)
    with (target / name).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@needs_raw_us_data
@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("cd119_districts.csv", lambda rows: rows[:-1], "cd119_districts.csv has 436 rows"),
        ("zcta_cd119.csv", lambda rows: rows[:-1], "zcta_cd119.csv has 33,790 rows"),
        ("cd119_districts.csv",
         lambda rows: [*rows[:1], [*rows[1][:1], "AL", *rows[1][2:]], *rows[2:]],
         "AK-00 not in AK"),
        ("zcta_cd119.csv", lambda rows: [*rows[:1], ["6010", *rows[1][1:]], *rows[2:]],
         "line 2: bad or repeated ZIP 6010"),
        ("zcta_cd119.csv",
         lambda rows: [*rows[:1], [*rows[1][:5], "PR-07", "1"], *rows[2:]],
         "line 2: unknown district ['PR-07']"),
    ],
)  # fmt: skip
def test_script_refuses_inputs_that_do_not_add_up(script, tmp_path, name, change, problem):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    for each in ("cd119_districts.csv", "zcta_cd119.csv"):
        _copy(SHARED_US, source, each, change if each == name else None)
    with pytest.raises(script.InputMismatch, match=problem.replace("[", r"\[").replace("]", r"\]")):
        script.build(source, target)
    assert not target.exists()  # nothing written


def test_shipped_tables_cover_every_district():
    data = load_zip_tables(KIT_DATA.resolve())
    assert len(data.zips) == 33_791 and len(data.districts) == 437 and len(data.states) == 52
    voting = [d for d in data.districts.values() if d.state not in ("DC", "PR")]
    assert len(voting) == 435
    at_large = sorted(code for code in data.districts if code.endswith("-00"))
    assert at_large == ["AK-00", "DC-00", "DE-00", "ND-00", "PR-00", "SD-00", "VT-00", "WY-00"]
    split = [z for z in data.zips.values() if len(z.districts) > 1]
    assert len(split) == 7_299
    named = {d for z in data.zips.values() for d in z.districts}
    assert named == set(data.districts)


def test_every_district_has_its_own_square_on_the_tile_map():
    with (KIT_DATA / "seats.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    squares = {(r["tile_col"], r["tile_row"]) for r in rows}
    assert len(squares) == len(rows) == 437
