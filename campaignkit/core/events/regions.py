"""Region views of the events map, so a phone can zoom to where it is: from the kit's data.

A kit with seat boundaries (the UK) offers one view per ``region`` in its
``seats.csv`` (the nations and England's regions), each the box around its
seats' boundaries. A kit without boundaries (the US) offers one view per
state: the box around the state's ZIP codes in ``zips.csv``, named from
``states.csv``. The whole country's view is the box around every region.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: (south, north, west, east) in degrees.
View = tuple[float, float, float, float]
#: A little room around a region's box, in degrees.
MARGIN = 0.1


@dataclass(frozen=True)
class Region:
    """One region view: its key in the query string, its name and its box."""

    key: str
    name: str
    view: View


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _grow(box: list[float], south: float, north: float, west: float, east: float) -> None:
    box[0], box[1] = min(box[0], south), max(box[1], north)
    box[2], box[3] = min(box[2], west), max(box[3], east)


def _bounds(coordinates: list) -> tuple[float, float, float, float]:
    """(west, south, east, north) of nested GeoJSON coordinates."""
    while isinstance(coordinates[0][0], list):  # flatten polygons and rings into points
        coordinates = [inner for outer in coordinates for inner in outer]
    lons = [point[0] for point in coordinates]
    lats = [point[1] for point in coordinates]
    return min(lons), min(lats), max(lons), max(lats)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _seat_boxes(folder: Path) -> dict[str, list[float]]:
    region_of = {row["code"]: row["region"] for row in _rows(folder / "seats.csv")}
    features = json.loads((folder / "boundaries.geojson").read_text(encoding="utf-8"))["features"]
    boxes: dict[str, list[float]] = {}
    for feature in features:
        region = region_of.get(feature["properties"]["code"])
        if region:
            west, south, east, north = _bounds(feature["geometry"]["coordinates"])
            _grow(boxes.setdefault(region, [90, -90, 180, -180]), south, north, west, east)
    return boxes


def _state_boxes(folder: Path) -> dict[str, list[float]]:
    names = {row["code"]: row["name"] for row in _rows(folder / "states.csv")}
    boxes: dict[str, list[float]] = {}
    for row in _rows(folder / "zips.csv"):
        if row["state"] in names:
            lat, lon = float(row["lat"]), float(row["lon"])
            _grow(boxes.setdefault(names[row["state"]], [90, -90, 180, -180]), lat, lat, lon, lon)
    return boxes


@lru_cache(maxsize=4)
def _regions(folder: str, _mtime: float) -> tuple[Region, ...]:
    path = Path(folder)
    if (path / "boundaries.geojson").is_file() and (path / "seats.csv").is_file():
        boxes = _seat_boxes(path)
    elif (path / "zips.csv").is_file() and (path / "states.csv").is_file():
        boxes = _state_boxes(path)
    else:
        return ()
    return tuple(
        Region(_slug(name), name, (s - MARGIN, n + MARGIN, w - MARGIN, e + MARGIN))
        for name, (s, n, w, e) in sorted(boxes.items())
    )


def region_views(data_dir: Path) -> tuple[Region, ...]:
    """The kit's region views, by name (empty when its data has neither boundaries nor states)."""
    stamp = max((p.stat().st_mtime for p in data_dir.glob("*.csv")), default=0.0)
    return _regions(str(data_dir), stamp)


def whole_view(regions: tuple[Region, ...]) -> View | None:
    """The box around every region (None when there are none)."""
    if not regions:
        return None
    box = [90.0, -90.0, 180.0, -180.0]
    for region in regions:
        _grow(box, *region.view)
    return box[0], box[1], box[2], box[3]
