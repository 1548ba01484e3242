"""Derive the UK kit's compact data tables from the public source files.

Reads the raw files described in ``shared/data/README.md`` (by default the
``shared/data/uk`` folder beside the project; ``--source DIR`` to choose
another) and writes small, sorted, deterministic tables into
``campaignkit/kits/uk/data/`` (``--target DIR`` to choose another):

- ``seats.csv``: code, name, nation, region, polygon centroid, a point inside, hex q/r
- ``results_2024.csv``: votes per party, valid votes, winner, majority
- ``notional_2019.csv``: the 2019 result recalculated on the 2024 seats
- ``districts.csv`` and ``sectors.csv``: postcode area -> mean position, main seat,
  its share of the area's postcodes and the other seats the area touches
- ``boundaries.geojson``: the generalised (~100 m) boundaries, coordinates
  rounded to ``--decimals`` (default 5, ~1 m; the source has 3 already)

- ``manifest.json``: what each table holds, its rows and sources (``campaignkit kit data-status``)

Before writing anything it checks its inputs (row counts, seat codes, each
seat's party votes adding up to its valid votes, the same postcodes counted by
districts and by sectors) and refuses to build on a mismatch.

Running it twice gives byte-identical files; a test checks the shipped tables
are exactly what it produces.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kit_data_checks import InputMismatch, expect, expect_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "uk"
DEFAULT_TARGET = ROOT / "campaignkit" / "kits" / "uk" / "data"
SEATS = 650
SEAT_CODE = re.compile(r"^[ENSW]\d{8}$")
AREA_ROWS = {"districts": 2_864, "sectors": 10_847}
SOURCES = [
    {"name": "House of Commons Library, 2024 general election results and notional 2019 results",
     "licence": "Open Parliament Licence v3.0", "as_of": "general election of 4 July 2024"},
    {"name": "Office for National Statistics, Westminster constituency boundaries (July 2024)",
     "licence": "Open Government Licence v3.0", "as_of": "2024 boundaries"},
    {"name": "Ordnance Survey, Code-Point Open (postcode districts and sectors)",
     "licence": "Open Government Licence v3.0", "as_of": "October 2025"},
    {"name": "Open Innovations, UK constituencies 2024 hexmap", "licence": "MIT",
     "as_of": "2024 boundaries"},
]  # fmt: skip
PARTIES = (
    "con", "lab", "ld", "ruk", "green", "snp", "pc", "dup", "sf", "sdlp", "uup", "apni", "other",
)  # fmt: skip


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


def build_seats(source: Path, target: Path) -> None:
    """seats.csv from constituencies_2024.csv."""
    rows = read_rows(source / "constituencies_2024.csv")
    out = [
        [
            r["pcon24cd"],
            r["name"],
            r["nation"],
            r["region_name"],
            r["centroid_lat"],
            r["centroid_lon"],
            r["inside_lat"],
            r["inside_lon"],
            r["hex_q"],
            r["hex_r"],
        ]  # fmt: skip
        for r in sorted(rows, key=lambda r: r["pcon24cd"])
    ]
    header = ["code", "name", "nation", "region", "centroid_lat", "centroid_lon"]
    header += ["inside_lat", "inside_lon", "hex_q", "hex_r"]
    write_rows(target / "seats.csv", header, out)


def winner_votes(row: dict[str, str]) -> str:
    """The winner's votes: its party's column, or the "other winner" column for others."""
    party = row["winner_party"].lower()
    if party in PARTIES:
        return row[f"votes_{party}"]
    return row["votes_other_winner"]


def build_results(source: Path, target: Path) -> None:
    """results_2024.csv from the House of Commons Library results file."""
    rows = read_rows(source / "ge2024_results.csv")
    header = ["code", "winner", "second", "valid_votes", "majority", "winner_votes"]
    header += list(PARTIES)
    out = [
        [r["pcon24cd"], r["winner_party"].lower(), r["second_party"].lower()]
        + [r["valid_votes"], r["majority"], winner_votes(r)]
        + [r[f"votes_{party}"] for party in PARTIES]
        for r in sorted(rows, key=lambda r: r["pcon24cd"])
    ]
    write_rows(target / "results_2024.csv", header, out)


def build_notional(source: Path, target: Path) -> None:
    """notional_2019.csv from the notional 2019 results on 2024 boundaries."""
    rows = read_rows(source / "ge2019_notional_2024_boundaries.csv")
    out = [
        [
            r["pcon24cd"],
            r["notional_2019_winner"].lower(),
            r["notional_2019_majority"],
            r["notional_2019_valid_votes"],
            r["notional_2019_majority_pct"],
        ]  # fmt: skip
        for r in sorted(rows, key=lambda r: r["pcon24cd"])
    ]
    header = ["code", "winner", "majority", "valid_votes", "majority_pct"]
    write_rows(target / "notional_2019.csv", header, out)


def build_areas(source: Path, target: Path, kind: str) -> None:
    """districts.csv or sectors.csv: area -> position, main seat, share, other seats."""
    key = "district" if kind == "districts" else "sector"
    rows = read_rows(source / f"postcode_{kind}_gb.csv")
    out = [
        [r[key], r["lat"], r["lon"], r["n_postcodes"], r["pcon24cd"], r["pcon24_share"]]
        + [" ".join(filter(None, r["other_pcon24cds"].replace(";", " ").split()))]
        for r in sorted(rows, key=lambda r: r[key])
    ]
    header = ["code", "lat", "lon", "postcodes", "seat", "share", "other_seats"]
    write_rows(target / f"{kind}.csv", header, out)


def _round(coords: object, decimals: int) -> object:
    if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
        return [round(value, decimals) for value in coords]
    return [_round(part, decimals) for part in coords]  # type: ignore[union-attr]


def build_boundaries(source: Path, target: Path, decimals: int) -> None:
    """boundaries.geojson: the generalised boundaries, compact, only the seat code kept."""
    data = json.loads((source / "constituencies_2024_generalised.geojson").read_text("utf-8"))
    features = sorted(data["features"], key=lambda f: f["properties"]["pcon24cd"])
    compact = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": f["properties"]["pcon24cd"]},
                "geometry": {
                    "type": f["geometry"]["type"],
                    "coordinates": _round(f["geometry"]["coordinates"], decimals),
                },
            }
            for f in features
        ],
    }
    text = json.dumps(compact, separators=(",", ":"))
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    (target / "boundaries.geojson").write_text(text + "\n", encoding="utf-8")


def check_seat_rows(name: str, rows: list[dict[str, str]], seats: set[str] | None) -> set[str]:
    """Refuse a per-seat file without exactly one row for each of the 650 seats."""
    expect_rows(name, rows, SEATS)
    codes = [r["pcon24cd"] for r in rows]
    bad = [code for code in codes if not SEAT_CODE.match(code)]
    expect(not bad, f"{name}: {bad[:1]} is not a seat code like E14001234")
    expect(len(set(codes)) == SEATS, f"{name}: a seat is listed twice")
    expect(seats is None or set(codes) == seats, f"{name}: not the same seats as the seat list")
    return set(codes)


def check_inputs(source: Path) -> None:
    """Refuse source files that do not add up (row counts, codes, totals); raises InputMismatch."""
    seats = check_seat_rows(
        "constituencies_2024.csv", read_rows(source / "constituencies_2024.csv"), None
    )
    results = read_rows(source / "ge2024_results.csv")
    check_seat_rows("ge2024_results.csv", results, seats)
    for line, row in enumerate(results, start=2):
        total = sum(int(row[f"votes_{party}"] or 0) for party in PARTIES)
        expect(
            total == int(row["valid_votes"]),
            f"ge2024_results.csv line {line}: party votes add up to {total:,}, "
            f"not the valid votes {int(row['valid_votes']):,}",
        )
    notional = read_rows(source / "ge2019_notional_2024_boundaries.csv")
    check_seat_rows("ge2019_notional_2024_boundaries.csv", notional, seats)
    postcodes = {}
    for kind, count in AREA_ROWS.items():
        rows = read_rows(source / f"postcode_{kind}_gb.csv")
        expect_rows(f"postcode_{kind}_gb.csv", rows, count)
        unknown = [r["pcon24cd"] for r in rows if r["pcon24cd"] not in seats]
        expect(not unknown, f"postcode_{kind}_gb.csv: unknown seat {unknown[:1]}")
        postcodes[kind] = sum(int(r["n_postcodes"]) for r in rows)
    expect(
        postcodes["districts"] == postcodes["sectors"],
        f"districts count {postcodes['districts']:,} postcodes, sectors {postcodes['sectors']:,}",
    )
    data = json.loads((source / "constituencies_2024_generalised.geojson").read_text("utf-8"))
    bounded = {f["properties"]["pcon24cd"] for f in data["features"]}
    expect(bounded == seats and len(data["features"]) == SEATS, "boundaries: not the 650 seats")


def build_manifest(target: Path, names: list[str]) -> None:
    """manifest.json: the tables, their rows and where they came from."""
    files = {}
    for name in sorted(names):
        text = (target / name).read_text("utf-8")
        rows = text.count("\n") - 1 if name.endswith(".csv") else text.count('"type":"Feature"')
        files[name] = {"rows": rows}
    manifest = {
        "kit": "uk",
        "built_by": "scripts/build_uk_kit_data.py",
        "data_as_of": "2024 general election, 2024 boundaries; postcodes October 2025",
        "sources": SOURCES,
        "files": files,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
    (target / "manifest.json").write_text(text + "\n", encoding="utf-8")


def build(source: Path, target: Path, decimals: int = 5) -> list[Path]:
    """Check the inputs, then write every derived table into ``target``; returns the files."""
    check_inputs(source)
    target.mkdir(parents=True, exist_ok=True)
    build_seats(source, target)
    build_results(source, target)
    build_notional(source, target)
    build_areas(source, target, "districts")
    build_areas(source, target, "sectors")
    build_boundaries(source, target, decimals)
    names = ["seats.csv", "results_2024.csv", "notional_2019.csv", "districts.csv"]
    names += ["sectors.csv", "boundaries.geojson"]
    build_manifest(target, names)
    return [target / name for name in (*names, "manifest.json")]


def main(argv: list[str] | None = None) -> None:
    """Command line: build the tables and print each file's size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)
    parser.add_argument("--decimals", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        written = build(args.source, args.target, args.decimals)
    except InputMismatch as exc:
        raise SystemExit(f"Not built: {exc}") from None
    for path in written:
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
