"""Ranking seats for a person: the nearest targets, or those most in need of help.

Every seat's figures sit in numpy arrays (one row per seat). What does not
change from one query to the next is worked out once per set of arrays and
settings (``prepare``): which seats are targets, their positions as unit
vectors and their need before distance. A query is then a handful of
vectorised operations over the target seats only: the cosine of the angle
to each (one matrix product), then either the nearest target seats (the
person's own seat first when it is a target) or a need score from
priority, marginality and the shortfall of upcoming events and RSVPs,
discounted by distance. Exact distances (and, for "nearest", scores) are
worked out only for the few seats returned. The benchmark's
plain-loop baseline (``bench/_ranking_loop.py``) computes the same ranking
one seat at a time; a test checks they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

EARTH_RADIUS_KM = 6371.0088
MODES = ("nearest", "need")


@dataclass(frozen=True)
class Target:
    """An organiser's mark on a seat: target, defend or ignore, with a priority 1-5."""

    status: str
    priority: int
    notes: str = ""


@dataclass(frozen=True)
class NeedSettings:
    """The footfall wanted per seat each week, and the distance that halves a seat's score."""

    events_per_week: int = 2
    rsvps_per_week: int = 20
    half_score_km: float = 30.0
    marginal_pct: float = 10.0


@dataclass(frozen=True)
class SeatArrays:
    """One row per seat: position (radians), priority (0: not a target), margin %, footfall."""

    codes: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    priority: np.ndarray
    pct: np.ndarray
    events: np.ndarray
    going: np.ndarray
    #: What ``prepare`` worked out for these arrays, by settings (the arrays never change).
    prepared: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass(frozen=True)
class Prepared:
    """The target seats of some arrays, ready to rank (worked out once, see ``prepare``).

    ``codes`` are the target seats in the arrays' order; ``away`` their
    positions as unit vectors, negated (``away @ point`` is minus the cosine of
    the angle to each, so it grows with the distance); ``points`` the same
    vectors as tuples; ``base`` their need score before distance, x 100.
    ``minus_tenths`` is the same x -10 x (half-score distance / Earth's radius),
    and ``offset`` that ratio plus pi: minus a seat's score in tenths is then
    ``minus_tenths / (offset - arccos(away @ point))``.
    """

    codes: tuple[str, ...]
    away: np.ndarray
    points: list[tuple[float, float, float]]
    minus_tenths: np.ndarray
    offset: float
    base: list[float]
    position: dict[str, int]


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Positions (radians) as points on the unit sphere, one ``(x, y, z)`` row each."""
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def prepare(arrays: SeatArrays, settings: NeedSettings) -> Prepared:
    """What ranking these arrays with these settings needs, worked out once and kept with them."""
    kept = arrays.prepared.get(settings)
    if kept is None:
        rows = np.flatnonzero(arrays.priority > 0)
        units = np.ascontiguousarray(unit_vectors(arrays.lat[rows], arrays.lon[rows]))
        base = 100 * _base_need(arrays, settings)[rows]
        codes = tuple(arrays.codes[row] for row in rows.tolist())
        kept = arrays.prepared[settings] = Prepared(
            codes=codes,
            away=-units,
            points=[tuple(unit) for unit in units.tolist()],
            minus_tenths=-10 * base * (settings.half_score_km / EARTH_RADIUS_KM),
            offset=settings.half_score_km / EARTH_RADIUS_KM + math.pi,
            base=base.tolist(),
            position={code: n for n, code in enumerate(codes)},
        )
    return kept


def build_arrays(
    positions: dict[str, tuple[float, float]],
    pcts: dict[str, float],
    targets: dict[str, Target],
    footfall: dict[str, tuple[int, int]],
) -> SeatArrays:
    """The arrays for the given seats (``positions`` gives the order)."""
    codes = tuple(positions)

    def priority(code: str) -> int:
        target = targets.get(code)
        return target.priority if target and target.status != "ignore" else 0

    return SeatArrays(
        codes=codes,
        lat=np.radians(np.array([positions[c][0] for c in codes], dtype=float)),
        lon=np.radians(np.array([positions[c][1] for c in codes], dtype=float)),
        priority=np.array([priority(c) for c in codes], dtype=float),
        pct=np.array([pcts.get(c, 100.0) for c in codes], dtype=float),
        events=np.array([footfall.get(c, (0, 0))[0] for c in codes], dtype=float),
        going=np.array([footfall.get(c, (0, 0))[1] for c in codes], dtype=float),
    )


def _base_need(arrays: SeatArrays, settings: NeedSettings) -> np.ndarray:
    """Each seat's need before distance (0-1/3 x 5 x 2; 0 for seats that are not targets)."""
    closeness = np.clip(1 - arrays.pct / (2 * settings.marginal_pct), 0.1, 1.0)
    events_short = np.maximum(0, settings.events_per_week - arrays.events)
    rsvps_short = np.maximum(0, settings.rsvps_per_week - arrays.going)
    shortfall = events_short / max(settings.events_per_week, 1) + rsvps_short / max(
        settings.rsvps_per_week, 1
    )
    return arrays.priority / 5 * closeness * (1 + shortfall) / 3


def need_scores(arrays: SeatArrays, distance: np.ndarray, settings: NeedSettings) -> np.ndarray:
    """Each seat's need score (0-100; 0 for seats that are not targets)."""
    base = _base_need(arrays, settings)
    return np.round(100 * base / (1 + distance / settings.half_score_km), 1)


def _point(lat: float, lon: float) -> tuple[float, float, float]:
    """A position in degrees as a point on the unit sphere."""
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


#: The cosine of the angle of 1 km: closer than that, distances come from the chord instead.
_COS_1_KM = math.cos(1 / EARTH_RADIUS_KM)


def _distance_km(point: tuple[float, float, float], seat: tuple, cosine: float) -> float:
    """The great-circle distance (km) between two unit vectors, given the cosine of their angle.

    The arc cosine is exact to well under a millimetre from a kilometre out;
    closer than that, the distance comes from the chord, exact at any length.
    """
    if cosine < _COS_1_KM:
        return EARTH_RADIUS_KM * math.acos(max(cosine, -1.0))
    return _chord_km(point, seat)


def _chord_km(point: tuple[float, float, float], seat: tuple) -> float:
    """The great-circle distance (km) between two unit vectors from the chord between them."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(math.dist(point, seat) / 2, 1.0))


def rank(
    arrays: SeatArrays,
    lat: float,
    lon: float,
    mode: str,
    limit: int,
    own: str | None = None,
    settings: NeedSettings = NeedSettings(),  # noqa: B008 - frozen
) -> list[tuple[str, float, float]]:
    """The top ``limit`` target seats as ``(code, distance_km, need_score)``.

    Seats are ordered by the cosine of the angle to each (one matrix product
    over the target seats); "nearest" then works out distances and scores for
    the seats returned only.
    """
    prepared = prepare(arrays, settings)
    point = _point(lat, lon)
    codes, points = prepared.codes, prepared.points
    away = prepared.away @ np.array(point)  # minus the cosine: grows with the distance
    if mode == "need":
        # The angle is pi minus arccos(away), so the discount 1 + distance / half_score_km
        # is linear in arccos(away) (see Prepared); minus the score, in tenths, is then
        # rounded to a whole number.
        turn = np.maximum(away, -1.0)
        np.minimum(turn, 1.0, out=turn)
        np.arccos(turn, out=turn)  # pi minus the angle to each seat
        tenths = np.subtract(prepared.offset, turn)
        np.divide(prepared.minus_tenths, tenths, out=tenths)
        np.rint(tenths, out=tenths)
        # highest score first, then nearest: 4 x tenths are whole steps of 4, |away| <= 1
        order = tenths * 4
        order += away
        top = np.argsort(order, kind="stable")[:limit]
        found = []
        for n, turned, minus_tenths in zip(
            top.tolist(), turn[top].tolist(), tenths[top].tolist(), strict=True
        ):
            km = EARTH_RADIUS_KM * (math.pi - turned)
            if km < 1:  # closer than a kilometre: from the chord (see _distance_km)
                km = _chord_km(point, points[n])
            found.append((codes[n], km, -minus_tenths / 10))
        return found
    order = np.argsort(away, kind="stable")
    mine = prepared.position.get(own) if own is not None else None
    if mine is not None:
        order = np.concatenate(((mine,), order[order != mine]))
    top = order[:limit]
    base, half, found = prepared.base, settings.half_score_km, []
    for n, minus_cosine in zip(top.tolist(), away[top].tolist(), strict=True):
        km = _distance_km(point, points[n], -minus_cosine)
        found.append((codes[n], km, round(base[n] / (1 + km / half), 1)))
    return found
