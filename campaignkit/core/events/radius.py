"""Distances on the Earth for finding events: great-circle distance and a box around a circle."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two positions, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return arc_km(a)


def arc_km(a: float) -> float:
    """The great-circle distance (km) for the haversine formula's ``a``."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains the circle around a position."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    shrink = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 1e-6)
    dlon = min(180.0, dlat / shrink)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
