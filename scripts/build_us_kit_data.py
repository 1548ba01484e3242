"""Derive the US kit's compact data tables from the public source files.

Reads the files described in ``shared/data/README.md`` (by default the
``shared/data/us`` folder beside the project; ``--source DIR`` to choose
another), checks them (row counts, code formats, each state's number of
districts against the 2020 apportionment) and refuses to build on any
mismatch. Then writes small, sorted, deterministic tables into
``campaignkit/kits/us/data/`` (``--target DIR`` to choose another):

- ``states.csv``: state code, name, FIPS code, districts, default time zone, tile-map cell
- ``seats.csv``: one row per district (``NY-12``): name, state, number (0 at large),
  approximate position, time zone, square on the tile map
- ``zips.csv``: ZIP code area -> internal point (4 decimals), state, every district it spans
- ``manifest.json``: what each table holds, its rows and sources (``campaignkit kit data-status``)

Running it twice gives byte-identical files; a test checks the shipped tables
are exactly what it produces.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit_data_checks import InputMismatch, expect, expect_rows  # noqa: E402
from us_states import STATES, TERRITORY_ZIPS, zone_at  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "us"
DEFAULT_TARGET = ROOT / "campaignkit" / "kits" / "us" / "data"
DISTRICTS_FILE, ZIPS_FILE = "cd119_districts.csv", "zcta_cd119.csv"
DISTRICT_ROWS, ZIP_ROWS, VOTING_SEATS = 437, 33_791, 435
DISTRICT_ID = re.compile(r"^([A-Z]{2})-(\d{2})$")
ZIP = re.compile(r"^\d{5}$")
DECIMALS = 4  # about 11 m: plenty for a ZIP area's internal point
SOURCES = [
    {
        "name": "US Census Bureau, ZCTA to 119th Congressional District relationship file",
        "licence": "public domain (US Government work)",
        "as_of": "119th Congress (2025-2027)",
    },
    {
        "name": "US Census Bureau, Gazetteer files: ZCTA internal points",
        "licence": "public domain (US Government work)",
        "as_of": "2020 ZCTAs",
    },
]


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a CSV file with a header, as dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a CSV with Unix line endings, rows in the order given."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def district_name(state: str, number: int) -> str:
    """A district as people say it: "New York's 12th", "Alaska at large", "Puerto Rico"."""
    name = STATES[state][0]
    if state in ("DC", "PR"):
        return name
    return f"{name} at large" if number == 0 else f"{name}'s {ordinal(number)}"


def check_districts(rows: list[dict[str, str]]) -> None:
    """Refuse districts that do not add up: count, codes, numbers, each state's seats."""
    expect_rows(DISTRICTS_FILE, rows, DISTRICT_ROWS)
    per_state: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{DISTRICTS_FILE} line {line}"
        match = DISTRICT_ID.match(row["district_id"])
        expect(match is not None, f"{where}: district id {row['district_id']!r} is not like NY-12")
        state, number = match.group(1), int(match.group(2))  # type: ignore[union-attr]
        expect(state == row["state_abbr"], f"{where}: {row['district_id']} not in {state}")
        expect(state in STATES, f"{where}: unknown state {state}")
        expect(row["state_fips"] == STATES[state][1], f"{where}: FIPS {row['state_fips']}")
        expect(int(row["cd119"]) == number, f"{where}: cd119 {row['cd119']} is not {number}")
        lat, lon = float(row["approx_lat"]), float(row["approx_lon"])
        expect(-15 <= lat <= 72 and -180 <= lon <= -64, f"{where}: position outside the US")
        per_state[state] = per_state.get(state, 0) + 1
    for state, (_name, _fips, seats, *_rest) in STATES.items():
        found = per_state.get(state, 0)
        expect(found == max(seats, 1), f"{state} has {found} districts, expected {seats or 1}")
    voting = sum(count for state, count in per_state.items() if state not in ("DC", "PR"))
    expect(voting == VOTING_SEATS, f"{voting} voting districts, expected {VOTING_SEATS}")


def check_zips(rows: list[dict[str, str]], districts: set[str]) -> None:
    """Refuse ZIP areas that do not add up: count, codes, districts named, each one's count."""
    expect_rows(ZIPS_FILE, rows, ZIP_ROWS)
    seen: set[str] = set()
    covered: set[str] = set()
    for line, row in enumerate(rows, start=2):
        where = f"{ZIPS_FILE} line {line}"
        code = row["zcta"]
        expect(bool(ZIP.match(code)) and code not in seen, f"{where}: bad or repeated ZIP {code}")
        seen.add(code)
        named = [d for d in row["cd119_all"].split(";") if d]
        expect(len(named) == int(row["n_districts"]), f"{where}: n_districts does not match")
        unknown = [d for d in named if d not in districts]
        expect(not unknown, f"{where}: unknown district {unknown[:1]}")
        if not named:
            expect(code in TERRITORY_ZIPS, f"{where}: ZIP {code} is in no district")
        elif len(named) == 1:
            expect(row["cd119"] != "", f"{where}: cd119 missing for a ZIP in one district")
        covered.update(named)
        expect(-90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, where)
    missing = sorted(districts - covered)
    expect(not missing, f"no ZIP area lies in {', '.join(missing[:5])}")


def tile_layout(counts: dict[str, int]) -> dict[str, tuple[int, int, int]]:
    """Each state's block on the tile map: (left column, top row, block width) in squares.

    States sit on a fixed grid (``STATES``' tile cell); a grid column is as wide
    as its widest state's block and a grid row as tall as its tallest, one
    square apart, so every district gets one equal square.
    """
    blocks = {}
    for state, count in counts.items():
        width = math.ceil(math.sqrt(count))
        blocks[state] = (width, math.ceil(count / width))
    widths: dict[int, int] = {}
    heights: dict[int, int] = {}
    for state, (width, height) in blocks.items():
        col, row = STATES[state][4], STATES[state][5]
        widths[col] = max(widths.get(col, 1), width)
        heights[row] = max(heights.get(row, 1), height)
    left = {c: sum(widths.get(i, 1) + 1 for i in range(c)) for c in range(max(widths) + 1)}
    top = {r: sum(heights.get(i, 1) + 1 for i in range(r)) for r in range(max(heights) + 1)}
    placed = {}
    for state, (width, height) in blocks.items():
        col, row = STATES[state][4], STATES[state][5]
        x = left[col] + (widths[col] - width) // 2
        y = top[row] + (heights[row] - height) // 2
        placed[state] = (x, y, width)
    return placed


def build_states(target: Path) -> None:
    """states.csv from the script's own table of states."""
    header = ["code", "name", "fips", "seats", "timezone", "tile_col", "tile_row"]
    out = [
        [code, name, fips, seats, zone, col, row]
        for code, (name, fips, seats, zone, col, row) in sorted(STATES.items())
    ]
    write_rows(target / "states.csv", header, out)


def build_seats(rows: list[dict[str, str]], target: Path) -> None:
    """seats.csv: the districts in the shape the marginals plugin reads, plus the tile square."""
    ordered = sorted(rows, key=lambda r: r["district_id"])
    counts: dict[str, int] = {}
    for row in ordered:
        counts[row["state_abbr"]] = counts.get(row["state_abbr"], 0) + 1
    layout = tile_layout(counts)
    position_in_state: dict[str, int] = {}
    out = []
    for r in ordered:
        state, number = r["state_abbr"], int(r["cd119"])
        index = position_in_state.get(state, 0)
        position_in_state[state] = index + 1
        x, y, width = layout[state]
        lat, lon = r["approx_lat"], r["approx_lon"]
        out.append(
            [r["district_id"], district_name(state, number), STATES[state][0], state, number]
            + [lat, lon, lat, lon, zone_at(state, float(lat), float(lon))]
            + [x + index % width, y + index // width]
        )
    header = ["code", "name", "nation", "region", "number", "centroid_lat", "centroid_lon"]
    header += ["inside_lat", "inside_lon", "timezone", "tile_col", "tile_row"]
    write_rows(target / "seats.csv", header, out)


def build_zips(rows: list[dict[str, str]], target: Path) -> None:
    """zips.csv: ZIP -> internal point, state, districts (space-separated, largest share first)."""
    out = [
        [
            r["zcta"],
            f"{float(r['lat']):.{DECIMALS}f}",
            f"{float(r['lon']):.{DECIMALS}f}",
            r["state_abbr"] or TERRITORY_ZIPS[r["zcta"]],
            " ".join(d for d in r["cd119_all"].split(";") if d),
        ]
        for r in sorted(rows, key=lambda r: r["zcta"])
    ]
    write_rows(target / "zips.csv", ["zip", "lat", "lon", "state", "districts"], out)


def build_manifest(target: Path, counts: dict[str, int]) -> None:
    """manifest.json: the tables, their rows and where they came from."""
    manifest = {
        "kit": "us",
        "built_by": "scripts/build_us_kit_data.py",
        "data_as_of": "119th Congress districts; 2020 ZIP code tabulation areas",
        "sources": SOURCES,
        "files": {name: {"rows": rows} for name, rows in sorted(counts.items())},
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
    (target / "manifest.json").write_text(text + "\n", encoding="utf-8")


def build(source: Path, target: Path) -> list[Path]:
    """Check the inputs, then write every derived table into ``target``; returns the files."""
    districts = read_rows(source / DISTRICTS_FILE)
    zips = read_rows(source / ZIPS_FILE)
    check_districts(districts)
    check_zips(zips, {r["district_id"] for r in districts})
    target.mkdir(parents=True, exist_ok=True)
    build_states(target)
    build_seats(districts, target)
    build_zips(zips, target)
    counts = {"states.csv": len(STATES), "seats.csv": len(districts), "zips.csv": len(zips)}
    build_manifest(target, counts)
    return [target / name for name in (*counts, "manifest.json")]


def main(argv: list[str] | None = None) -> None:
    """Command line: build the tables and print each file's size (exit 1 on bad input)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)
    args = parser.parse_args(argv)
    try:
        written = build(args.source, args.target)
    except InputMismatch as exc:
        raise SystemExit(f"Not built: {exc}") from None
    for path in written:
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
