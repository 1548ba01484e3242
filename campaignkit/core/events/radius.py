"""Distances on the Earth for finding events: in Python, and as SQL that any database runs.

``within_radius`` is the condition "this event lies within the radius" in
plain SQL arithmetic (no extension, the same on SQLite and PostgreSQL), with
``radius_values`` the values it binds for one search; ``haversine_a`` the
haversine formula's ``a`` in SQL, for ordering by distance.
"""

from __future__ import annotations

import math

from sqlalchemy import Float, and_, bindparam, func, or_

from campaignkit.core.events.models import Event

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two positions, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that contains the circle around a position."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    shrink = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 1e-6)
    dlon = min(180.0, dlat / shrink)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def within_radius():  # noqa: ANN202 - an SQL expression
    """Whether an event lies within the radius, in SQL: cheap arithmetic for nearly every row.

    The flat-earth distance (degrees of latitude, and of longitude scaled by
    the cosine of the search's latitude) is within ``eps`` of the true one
    across the search's box (see ``radius_values``): rows clearly inside
    (``flat <= inner``) or outside (``flat > outer``) are decided by it, and
    only the thin ring between is tested with the haversine formula.
    """
    lat0, lon0 = bindparam("lat0", type_=Float), bindparam("lon0", type_=Float)
    flat = (Event.lat - lat0) * (Event.lat - lat0) + (Event.lon - lon0) * (
        Event.lon - lon0
    ) * bindparam("k2", type_=Float)
    return or_(
        flat <= bindparam("inner", type_=Float),
        and_(
            flat <= bindparam("outer", type_=Float),
            haversine_a() <= bindparam("most", type_=Float),
        ),
    )


def radius_values(lat: float, lon: float, radius_km: float) -> dict[str, float]:
    """The values ``within_radius`` binds for a circle around a position.

    Across the box around the circle, the flat distance (with the cosine of
    the centre's latitude) differs from the great-circle one by a factor of at
    most ``1 +- eps``: from the cosine changing over the box's height, bounded
    by ``tan(latitude) x height``, plus the sphere's curvature, under the
    square of the angle. Near the poles, where that bound grows past 1/2,
    every row is tested exactly.
    """
    arc = radius_km / EARTH_RADIUS_KM  # radians
    degrees = math.degrees(arc)
    farthest = math.radians(min(89.0, abs(lat) + degrees))
    eps = math.tan(farthest) * arc + arc * arc + 1e-3
    inner, outer = (-1.0, 1e300) if eps >= 0.5 else ((1 - eps) ** 2, (1 + eps) ** 2)
    p0 = math.radians(lat)
    return {
        "lat0": lat, "lon0": lon, "k2": math.cos(p0) ** 2,
        "inner": inner * degrees**2, "outer": outer * degrees**2,
        "p0": p0, "l0": math.radians(lon), "c0": math.cos(p0),
        "most": math.sin(radius_km / (2 * EARTH_RADIUS_KM)) ** 2,
    }  # fmt: skip


def haversine_a():  # noqa: ANN202 - an SQL expression
    """The haversine's ``a`` from the position ``p0``, ``l0`` (radians) to each event, in SQL.

    It grows with the distance; ``c0`` is the cosine of ``p0``.
    """
    lat = func.radians(Event.lat, type_=Float)
    dlat = func.sin((lat - bindparam("p0", type_=Float)) * 0.5, type_=Float)
    dlon = func.sin((func.radians(Event.lon, type_=Float) - bindparam("l0", type_=Float)) * 0.5)
    return func.power(dlat, 2, type_=Float) + bindparam("c0", type_=Float) * func.cos(
        lat, type_=Float
    ) * func.power(dlon, 2, type_=Float)
