"""Ranking seats for a person: the nearest targets, or those most in need of help.

Every seat's figures sit in numpy arrays (one row per seat), so ranking a
query is a handful of vectorised operations over the 650 seats: the
haversine distance to each, then either the nearest target seats (the
person's own seat first when it is a target) or a need score from priority,
marginality and the shortfall of upcoming events and RSVPs, discounted by
distance. The benchmark's plain-loop baseline (``bench/_ranking_loop.py``)
computes the same ranking one seat at a time; a test checks they agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


def distances_km(arrays: SeatArrays, lat: float, lon: float) -> np.ndarray:
    """The great-circle distance (km) from a position to every seat."""
    p1, l1 = math.radians(lat), math.radians(lon)
    a = (
        np.sin((arrays.lat - p1) / 2) ** 2
        + math.cos(p1) * np.cos(arrays.lat) * np.sin((arrays.lon - l1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def need_scores(arrays: SeatArrays, distance: np.ndarray, settings: NeedSettings) -> np.ndarray:
    """Each seat's need score (0-100; 0 for seats that are not targets)."""
    closeness = np.clip(1 - arrays.pct / (2 * settings.marginal_pct), 0.1, 1.0)
    events_short = np.maximum(0, settings.events_per_week - arrays.events)
    rsvps_short = np.maximum(0, settings.rsvps_per_week - arrays.going)
    shortfall = events_short / max(settings.events_per_week, 1) + rsvps_short / max(
        settings.rsvps_per_week, 1
    )
    base = arrays.priority / 5 * closeness * (1 + shortfall) / 3
    return np.round(100 * base / (1 + distance / settings.half_score_km), 1)


def rank(
    arrays: SeatArrays,
    lat: float,
    lon: float,
    mode: str,
    limit: int,
    own: str | None = None,
    settings: NeedSettings = NeedSettings(),  # noqa: B008 - frozen
) -> list[tuple[str, float, float]]:
    """The top ``limit`` target seats as ``(code, distance_km, need_score)``."""
    distance = distances_km(arrays, lat, lon)
    score = need_scores(arrays, distance, settings)
    targets = np.flatnonzero(arrays.priority > 0)
    if mode == "need":
        order = targets[np.lexsort((distance[targets], -score[targets]))]
    else:
        order = targets[np.argsort(distance[targets], kind="stable")]
        if own in arrays.codes:
            mine = arrays.codes.index(own)
            if arrays.priority[mine] > 0:
                order = np.concatenate(([mine], order[order != mine]))
    top = order[:limit]
    return [(arrays.codes[i], float(distance[i]), float(score[i])) for i in top]
