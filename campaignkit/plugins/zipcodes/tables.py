"""The US kit's ZIP and district tables, read once per kit folder and kept.

``zips.csv`` (ZIP code area -> internal point, state, districts), ``seats.csv``
(district -> name, state, time zone) and ``states.csv`` from the kit's data
folder, made by ``scripts/build_us_kit_data.py``. Positions of the ZIP areas
wholly inside one district also sit in numpy arrays, for the nearest one to a
position.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from campaignkit.core import kit

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ZipArea:
    """A ZIP code area: internal point, state and every district it spans (largest share first)."""

    code: str
    lat: float
    lon: float
    state: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class District:
    """A House district: id (``NY-12``), name, state code and name, time zone."""

    code: str
    name: str
    state: str
    state_name: str
    timezone: str


@dataclass(frozen=True)
class ZipTables:
    """Everything the geocoder reads, with arrays of the single-district ZIP areas' positions."""

    zips: dict[str, ZipArea]
    districts: dict[str, District]
    states: dict[str, str]
    whole: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray

    def nearest_whole_zip(self, lat: float, lon: float) -> tuple[ZipArea, float] | None:
        """The nearest ZIP area lying wholly in one district, and its distance in km."""
        if not self.whole:
            return None
        p1, l1 = math.radians(lat), math.radians(lon)
        a = (
            np.sin((self.lat - p1) / 2) ** 2
            + math.cos(p1) * np.cos(self.lat) * np.sin((self.lon - l1) / 2) ** 2
        )
        best = int(np.argmin(a))
        distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(float(a[best]))))
        return self.zips[self.whole[best]], distance


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def load_zip_tables(folder: Path) -> ZipTables:
    """Read a kit data folder's ZIP tables (cached per folder for the life of the process)."""
    zips = {
        r["zip"]: ZipArea(
            r["zip"], float(r["lat"]), float(r["lon"]), r["state"], tuple(r["districts"].split())
        )
        for r in _rows(folder / "zips.csv")
    }
    districts = {
        r["code"]: District(r["code"], r["name"], r["region"], r["nation"], r["timezone"])
        for r in _rows(folder / "seats.csv")
        if "timezone" in r
    }
    whole = tuple(code for code, area in zips.items() if len(area.districts) == 1)
    return ZipTables(
        zips=zips,
        districts=districts,
        states={r["code"]: r["name"] for r in _rows(folder / "states.csv")},
        whole=whole,
        lat=np.radians(np.array([zips[c].lat for c in whole], dtype=float)),
        lon=np.radians(np.array([zips[c].lon for c in whole], dtype=float)),
    )


def zip_tables() -> ZipTables:
    """The running instance's kit tables (empty when the kit ships no ZIP data)."""
    return load_zip_tables(kit().data_dir.resolve())
