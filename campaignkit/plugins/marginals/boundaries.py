"""Point in seat: which seat's boundary a position lies in, using a shapely STRtree.

The boundaries are the kit's ``boundaries.geojson``. A position on no
polygon (a gap left by generalising the coastline, a pier) is given the seat
whose boundary is nearest, if one is within ``COAST_TOLERANCE`` degrees
(about 500 m); never the seat with the nearest centre.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

#: How far (degrees, roughly 500 m) outside every boundary a point may be and still get a seat.
COAST_TOLERANCE = 0.005


class SeatIndex:
    """Seat boundaries in an STRtree, answering point-in-seat one point or many at a time."""

    def __init__(self, codes: list[str], polygons: list[shapely.Geometry]):
        self.codes = np.array(codes, dtype=object)
        self.polygons = np.array(polygons, dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)

    @classmethod
    def from_geojson(cls, path: Path) -> SeatIndex:
        """Build the index from a GeoJSON FeatureCollection whose features have ``code``."""
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        codes = [f["properties"]["code"] for f in features]
        return cls(codes, [shape(f["geometry"]) for f in features])

    def seats_of(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """The seat code for each position (None where no seat is near), vectorised."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        found = np.full(len(points), None, dtype=object)
        if len(points) == 0:
            return found
        hits = self.tree.query(points, predicate="within")
        # Where boundaries overlap, keep the first seat found for a point.
        point_ids, first = np.unique(hits[0], return_index=True)
        found[point_ids] = self.codes[hits[1][first]]
        missing = np.flatnonzero(found == None)  # noqa: E711 - elementwise on an object array
        if len(missing):
            near = self.tree.query_nearest(
                points[missing], max_distance=COAST_TOLERANCE, all_matches=False
            )
            found[missing[near[0]]] = self.codes[near[1]]
        return found

    def outline_of(self, code: str) -> shapely.Geometry | None:
        """A seat's boundary polygon (or multipolygon), None for a seat the file does not have."""
        found = np.flatnonzero(self.codes == code)
        return self.polygons[found[0]] if len(found) else None

    def seat_of(self, lat: float, lon: float) -> str | None:
        """The code of the seat a position lies in, or None."""
        return self.seats_of(np.array([lat]), np.array([lon]))[0]


@cache
def seat_index(path: Path) -> SeatIndex:
    """The index for a boundaries file, built once per process."""
    return SeatIndex.from_geojson(path)
