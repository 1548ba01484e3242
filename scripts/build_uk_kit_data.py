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

Running it twice gives byte-identical files; a test checks the shipped tables
are exactly what it produces.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "uk"
DEFAULT_TARGET = ROOT / "campaignkit" / "kits" / "uk" / "data"
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


def build(source: Path, target: Path, decimals: int = 5) -> list[Path]:
    """Write every derived table into ``target``; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    build_seats(source, target)
    build_results(source, target)
    build_notional(source, target)
    build_areas(source, target, "districts")
    build_areas(source, target, "sectors")
    build_boundaries(source, target, decimals)
    names = ["seats.csv", "results_2024.csv", "notional_2019.csv", "districts.csv"]
    names += ["sectors.csv", "boundaries.geojson"]
    return [target / name for name in names]


def main(argv: list[str] | None = None) -> None:
    """Command line: build the tables and print each file's size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)
    parser.add_argument("--decimals", type=int, default=5)
    args = parser.parse_args(argv)
    for path in build(args.source, args.target, args.decimals):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
