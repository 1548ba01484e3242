"""The land under a map: the kit's seat boundaries, simplified for the scale drawn at.

The kit's ``data/boundaries.geojson`` (when it has one) is read once per
process. Zoomed in, each seat is simplified for the map's scale and drawn
filled, side by side, so together they show the coast; only seats in view are
drawn. Zoomed out (a nation, or the whole country), drawing every seat would
cost tens of thousands of points, so the seats are merged once into one
coastline (islands smaller than a few pixels left out), simplified for the
scale and cut to the view. Each simplification is cached, keyed by the file's
modification time.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

BOUNDARIES_FILE = "boundaries.geojson"
#: Simplification steps (degrees), so a few cached versions serve every zoom.
TOLERANCES = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.04)
#: From this simplification on, the merged coastline is drawn instead of every seat.
MERGED_FROM = 0.005

#: A ring of (lon, lat) points and its bounding box (west, south, east, north).
Ring = tuple[tuple[tuple[float, float], ...], tuple[float, float, float, float]]


@lru_cache(maxsize=2)
def _seats(path: str, _mtime: float) -> tuple[BaseGeometry, ...]:
    with Path(path).open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    return tuple(shape(feature["geometry"]) for feature in features)


@lru_cache(maxsize=8)
def _rings(path: str, mtime: float, tolerance: float) -> tuple[Ring, ...]:
    smallest = tolerance**2  # islands smaller than about a pixel are left out
    rings = []
    for seat in _seats(path, mtime):
        simple = seat.simplify(tolerance, preserve_topology=False)
        for polygon in getattr(simple, "geoms", [simple]):
            if not polygon.is_empty and polygon.area >= smallest:
                points = tuple((round(x, 5), round(y, 5)) for x, y in polygon.exterior.coords)
                rings.append((points, polygon.bounds))
    return tuple(rings)


@lru_cache(maxsize=2)
def _merged(path: str, mtime: float) -> BaseGeometry:
    """Every seat merged into one outline of the land (about a second, once per process)."""
    return shapely.union_all(_seats(path, mtime))


@lru_cache(maxsize=8)
def _coast(path: str, mtime: float, tolerance: float) -> tuple[BaseGeometry, ...]:
    """The merged land simplified by ``tolerance``: outer rings only, tiny islands left out."""
    smallest = (3 * tolerance) ** 2
    simple = _merged(path, mtime).simplify(tolerance)
    return tuple(
        shapely.Polygon(polygon.exterior)
        for polygon in getattr(simple, "geoms", [simple])
        if not polygon.is_empty and polygon.area >= smallest
    )


def _coast_in_view(
    path: Path, tolerance: float, view: tuple[float, float, float, float]
) -> list[tuple[tuple[float, float], ...]]:
    south, north, west, east = view
    pad = 4 * tolerance  # cut just outside the view, so no cut edge shows
    rings = []
    for polygon in _coast(str(path), path.stat().st_mtime, tolerance):
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


def land_in_view(
    data_dir: Path, view: tuple[float, float, float, float], pixels: int = 300
) -> list[tuple[tuple[float, float], ...]]:
    """The outlines (lon, lat) of the land inside ``view`` (south, north, west, east).

    Simplified to about a pixel of a map ``pixels`` wide; empty when the
    kit has no boundaries file.
    """
    path = data_dir / BOUNDARIES_FILE
    if not path.is_file():
        return []
    south, north, west, east = view
    wanted = (east - west) / pixels
    tolerance = next((t for t in reversed(TOLERANCES) if t <= wanted), TOLERANCES[0])
    if tolerance >= MERGED_FROM:
        return _coast_in_view(path, tolerance, view)
    return [
        points
        for points, (w, s, e, n) in _rings(str(path), path.stat().st_mtime, tolerance)
        if w <= east and e >= west and s <= north and n >= south
    ]


def view_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a square about ``km`` from a position each way."""
    dlat = km / 111.2
    dlon = km / (111.2 * max(0.1, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
