"""The seat ranking as a plain Python loop: the baseline for ``bench/marginals.py`` (a).

It computes exactly what ``campaignkit.plugins.marginals.ranking.rank`` does,
one seat at a time, so the benchmark can report numpy's speed-up and
``tests/plugins/marginals/test_marginals_ranking.py`` can check the two agree.
Not part of the package.
"""

from __future__ import annotations

import math

from campaignkit.plugins.marginals.ranking import EARTH_RADIUS_KM, NeedSettings, SeatArrays


def rank_loop(
    arrays: SeatArrays,
    lat: float,
    lon: float,
    mode: str,
    limit: int,
    own: str | None = None,
    settings: NeedSettings = NeedSettings(),  # noqa: B008 - frozen
) -> list[tuple[str, float, float]]:
    """The same ranking as ``rank``, one seat at a time in plain Python (the baseline)."""
    p1, l1 = math.radians(lat), math.radians(lon)
    rows = []
    for i, code in enumerate(arrays.codes):
        priority = float(arrays.priority[i])
        if priority <= 0:
            continue
        p2, l2 = float(arrays.lat[i]), float(arrays.lon[i])
        a = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))
        closeness = min(1.0, max(0.1, 1 - float(arrays.pct[i]) / (2 * settings.marginal_pct)))
        events_short = max(0.0, settings.events_per_week - float(arrays.events[i]))
        rsvps_short = max(0.0, settings.rsvps_per_week - float(arrays.going[i]))
        shortfall = events_short / max(settings.events_per_week, 1) + rsvps_short / max(
            settings.rsvps_per_week, 1
        )
        base = priority / 5 * closeness * (1 + shortfall) / 3
        score = round(100 * base / (1 + distance / settings.half_score_km), 1)
        rows.append((code, distance, score))
    if mode == "need":
        rows.sort(key=lambda row: (-row[2], row[1]))
    else:
        rows.sort(key=lambda row: row[1])
        rows.sort(key=lambda row: row[0] != own)
    return rows[:limit]
