"""The kit's tables (seats, results, postcode districts and sectors), loaded once and cached.

The tables are the compact CSV files in the kit's ``data/`` folder (for the
UK kit, made by ``scripts/build_uk_kit_data.py``). They are read the first
time a process needs them and kept, keyed by the folder, so every app built
from the same kit shares one copy.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from campaignkit.core import kit


@dataclass(frozen=True)
class Seat:
    """A seat: code, name, where it is and its place on the hex map (or the tile map).

    ``tile`` is the seat's square (column, row from the top) on a kit's tile
    map, when the kit draws one (the US kit's ``tile_col``, ``tile_row``).
    """

    code: str
    name: str
    nation: str
    region: str
    centroid: tuple[float, float]
    inside: tuple[float, float]
    hex_q: int
    hex_r: int
    tile: tuple[int, int] | None = None


@dataclass(frozen=True)
class Result:
    """One seat's result: winner, runner-up, valid votes, majority and votes per party."""

    code: str
    winner: str
    second: str
    valid_votes: int
    majority: int
    winner_votes: int
    votes: dict[str, int]


@dataclass(frozen=True)
class Area:
    """A postcode district or sector: mean position, main seat, its share, other seats."""

    code: str
    lat: float
    lon: float
    postcodes: int
    seat: str
    share: float
    other_seats: tuple[str, ...]


@dataclass(frozen=True)
class KitTables:
    """Everything the plugin reads from a kit's data folder."""

    folder: Path
    seats: dict[str, Seat]
    results: dict[str, Result]
    notional_2019: dict[str, dict[str, str]]
    districts: dict[str, Area]
    sectors: dict[str, Area]

    @property
    def has_postcodes(self) -> bool:
        """True when the kit ships postcode areas (the UK kit; the US kit's ZIPs are elsewhere)."""
        return bool(self.districts or self.sectors)

    @property
    def boundaries_file(self) -> Path:
        """The seat boundaries (GeoJSON, property ``code``)."""
        return self.folder / "boundaries.geojson"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def result_from_row(row: dict[str, str], parties: list[str]) -> Result:
    """A Result from a results_2024.csv-shaped row."""
    return Result(
        code=row["code"],
        winner=row["winner"],
        second=row["second"],
        valid_votes=int(row["valid_votes"]),
        majority=int(row["majority"]),
        winner_votes=int(row["winner_votes"]),
        votes={party: int(row[party] or 0) for party in parties},
    )


def _areas(path: Path) -> dict[str, Area]:
    return {
        r["code"]: Area(
            r["code"],
            float(r["lat"]),
            float(r["lon"]),
            int(r["postcodes"]),
            r["seat"],
            float(r["share"]),
            tuple(r["other_seats"].split()),
        )  # fmt: skip
        for r in _rows(path)
    }


RESULT_COLUMNS = ("code", "winner", "second", "valid_votes", "majority", "winner_votes")


@cache
def load_tables(folder: Path) -> KitTables:
    """Read a kit data folder's tables (cached per folder for the life of the process)."""
    seats = {
        r["code"]: Seat(
            r["code"],
            r["name"],
            r["nation"],
            r["region"],
            (float(r["centroid_lat"]), float(r["centroid_lon"])),
            (float(r["inside_lat"]), float(r["inside_lon"])),
            int(r.get("hex_q") or 0),
            int(r.get("hex_r") or 0),
            (int(r["tile_col"]), int(r["tile_row"])) if r.get("tile_col") else None,
        )  # fmt: skip
        for r in _rows(folder / "seats.csv")
    }
    result_rows = _rows(folder / "results_2024.csv")
    parties = [c for c in (result_rows[0] if result_rows else {}) if c not in RESULT_COLUMNS]
    return KitTables(
        folder=folder,
        seats=seats,
        results={r["code"]: result_from_row(r, parties) for r in result_rows},
        notional_2019={r["code"]: r for r in _rows(folder / "notional_2019.csv")},
        districts=_areas(folder / "districts.csv"),
        sectors=_areas(folder / "sectors.csv"),
    )


def tables() -> KitTables:
    """The running instance's kit tables."""
    return _tables_in(kit().data_dir)


@cache
def _tables_in(folder: Path) -> KitTables:
    return load_tables(folder.resolve())
