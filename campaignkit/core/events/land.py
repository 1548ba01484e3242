"""The land under a map: the kit's seat boundaries, simplified for the scale drawn at.

Drawing every seat for a map of the whole country would cost tens of
thousands of points, so the kit's ``land.geojson`` is drawn: every seat
merged into one outline of the land (to about 250 m), islands too small to
see left out, made once by the kit's data script (``merge_land``), then
simplified for the map's scale and cut to its view. A kit with boundaries but
no land file gets its land merged on first use, once per process (a second
or two) for zoomed-out maps; zoomed in (a seat, a town), its seats in view are
each simplified and drawn side by side, so together they show the coast.
Each simplification is cached, keyed by the files' modification times.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

BOUNDARIES_FILE = "boundaries.geojson"
LAND_FILE = "land.geojson"
#: Simplification steps (degrees), so a few cached versions serve every zoom.
TOLERANCES = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.04)
#: From this simplification on, the merged land is drawn instead of every seat.
MERGED_FROM = 0.005
#: Up to this simplification (a view about 60 km wide), seat borders are drawn over the land.
BORDERS_UNTIL = 0.002
#: How far the merged land is simplified before it is stored (half the first step it serves).
LAND_TOLERANCE = MERGED_FROM / 2
#: Islands smaller than this (square degrees, a few pixels at the closest merged scale) go.
SMALLEST_ISLAND = (3 * MERGED_FROM) ** 2

#: (south, north, west, east) in degrees.
View = tuple[float, float, float, float]


@lru_cache(maxsize=2)
def _seats(path: str, _mtime: float) -> tuple[tuple[BaseGeometry, ...], np.ndarray]:
    """Each seat's shape and the bounds (west, south, east, north) of all of them."""
    collection = shapely.from_geojson(Path(path).read_text(encoding="utf-8"))
    seats = tuple(collection.geoms)
    return seats, shapely.bounds(np.array(seats, dtype=object))


@lru_cache(maxsize=8192)
def _seat_rings(path: str, mtime: float, tolerance: float, index: int) -> tuple[tuple, ...]:
    """One seat's outer rings (lon, lat), simplified; specks under about a pixel left out."""
    seat = _seats(path, mtime)[0][index]
    simple = seat.simplify(tolerance, preserve_topology=False)
    return tuple(
        tuple((round(x, 5), round(y, 5)) for x, y in polygon.exterior.coords)
        for polygon in getattr(simple, "geoms", [simple])
        if not polygon.is_empty and polygon.area >= tolerance**2
    )


def merge_land(seats: Iterable[BaseGeometry]) -> list[shapely.Polygon]:
    """Every seat merged into the outline of the land, simplified by ``LAND_TOLERANCE``:
    outer rings only (no gaps between seats), islands under ``SMALLEST_ISLAND`` left out."""
    merged = shapely.union_all(list(seats)).simplify(LAND_TOLERANCE)
    return [
        shapely.Polygon(polygon.exterior)
        for polygon in getattr(merged, "geoms", [merged])
        if not polygon.is_empty and polygon.area >= SMALLEST_ISLAND
    ]


@lru_cache(maxsize=2)
def _land(folder: str, _mtime: float) -> tuple[shapely.Polygon, ...]:
    """The kit's merged land: its land file, or the seats merged now."""
    land = Path(folder) / LAND_FILE
    if land.is_file():
        features = json.loads(land.read_text(encoding="utf-8"))["features"]
        return tuple(p for f in features for p in getattr(shape(f["geometry"]), "geoms", []))
    boundaries = Path(folder) / BOUNDARIES_FILE
    return tuple(merge_land(_seats(str(boundaries), boundaries.stat().st_mtime)[0]))


@lru_cache(maxsize=8)
def _coast(folder: str, mtime: float, tolerance: float) -> tuple[shapely.Polygon, ...]:
    """The merged land simplified by ``tolerance``, islands smaller than a few pixels left out."""
    smallest = (3 * tolerance) ** 2
    land = _land(folder, mtime)
    simple = (p.simplify(tolerance) for p in land) if tolerance > LAND_TOLERANCE else land
    return tuple(p for p in simple if not p.is_empty and p.area >= smallest)


def _coast_in_view(folder: Path, tolerance: float, view: View) -> list[tuple]:
    south, north, west, east = view
    pad = 4 * tolerance  # cut just outside the view, so no cut edge shows
    stamp = max(
        p.stat().st_mtime for p in (folder / BOUNDARIES_FILE, folder / LAND_FILE) if p.is_file()
    )
    rings = []
    for polygon in _coast(str(folder), stamp, tolerance):
        w, s, e, n = polygon.bounds
        if w > east or e < west or s > north or n < south:
            continue
        if w < west - pad or e > east + pad or s < south - pad or n > north + pad:
            polygon = shapely.clip_by_rect(
                polygon, west - pad, south - pad, east + pad, north + pad
            )
        for part in getattr(polygon, "geoms", [polygon]):
            if isinstance(part, shapely.Polygon) and not part.is_empty:
                rings.append(tuple((round(x, 5), round(y, 5)) for x, y in part.exterior.coords))
    return rings


def _tolerance(view: View, pixels: int) -> float:
    """The simplification for about a pixel of a map ``pixels`` wide."""
    wanted = (view[3] - view[2]) / pixels
    return next((t for t in reversed(TOLERANCES) if t <= wanted), TOLERANCES[0])


def _seats_in_view(path: Path, view: View, tolerance: float) -> list[tuple]:
    south, north, west, east = view
    mtime = path.stat().st_mtime
    bounds = _seats(str(path), mtime)[1]
    near = np.flatnonzero(
        (bounds[:, 0] <= east) & (bounds[:, 2] >= west)
        & (bounds[:, 1] <= north) & (bounds[:, 3] >= south)
    )  # fmt: skip
    return [ring for i in near for ring in _seat_rings(str(path), mtime, tolerance, int(i))]


def land_in_view(data_dir: Path, view: View, pixels: int = 300) -> list[tuple]:
    """The outlines (lon, lat) of the land inside ``view`` (south, north, west, east).

    Simplified to about a pixel of a map ``pixels`` wide; empty when the
    kit has no boundaries file.
    """
    path = data_dir / BOUNDARIES_FILE
    if not path.is_file():
        return []
    tolerance = _tolerance(view, pixels)
    if tolerance >= MERGED_FROM or (data_dir / LAND_FILE).is_file():
        return _coast_in_view(data_dir, tolerance, view)
    return _seats_in_view(path, view, tolerance)


def borders_in_view(data_dir: Path, view: View, pixels: int = 300) -> list[tuple]:
    """The seat boundaries (lon, lat rings) inside a zoomed-in ``view``, to draw as lines.

    Empty for views wider than ``BORDERS_UNTIL`` a pixel (a region, the
    country: too many seats to tell apart) and when the kit has no boundaries.
    """
    path = data_dir / BOUNDARIES_FILE
    tolerance = _tolerance(view, pixels)
    if tolerance > BORDERS_UNTIL or not path.is_file():
        return []
    coarser = TOLERANCES[TOLERANCES.index(tolerance) + 1]  # lines need less than the coast
    return _seats_in_view(path, view, coarser)


def view_around(lat: float, lon: float, km: float) -> View:
    """(south, north, west, east) of a square about ``km`` from a position each way."""
    dlat = km / 111.2
    dlon = km / (111.2 * max(0.1, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
