"""Make campaignkit/kits/uk/data/land.geojson: the land, every seat merged, for zoomed-out maps.

Drawing all 650 seat outlines for a map of the whole country costs about
30,000 points; this file holds the seats of ``boundaries.geojson`` merged into
one outline (core's ``merge_land``: simplified to 0.0025°, islands under
about 1.6 km² left out, no gaps between seats), so a map of Great Britain
draws its coast in a few thousand. Run from the repository root after the
boundaries change::

    python scripts/make_uk_land.py
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from campaignkit.core.events.land import merge_land

DATA = Path(__file__).resolve().parents[1] / "campaignkit/kits/uk/data"


def main() -> None:
    """Merge the kit's boundaries and write the land file (coordinates to 3 decimals, ~100 m)."""
    features = json.loads((DATA / "boundaries.geojson").read_text("utf-8"))["features"]
    land = shapely.set_precision(
        shapely.MultiPolygon(merge_land(shape(f["geometry"]) for f in features)), 0.001
    )
    geometry = shapely.geometry.mapping(land)
    coordinates = [
        [[[round(x, 3), round(y, 3)] for x, y in ring] for ring in polygon]
        for polygon in geometry["coordinates"]
    ]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"what": "land: every seat merged"},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        ],
    }
    text = json.dumps(collection, separators=(",", ":")).replace("[[[", "\n[[[")
    (DATA / "land.geojson").write_text(text + "\n", encoding="utf-8")
    points = sum(len(ring) for polygon in coordinates for ring in polygon)
    print(f"wrote {len(coordinates)} polygons, {points} points to land.geojson")


if __name__ == "__main__":
    main()
