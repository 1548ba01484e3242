"""Grid clustering on the server: events close together on the map become one mark with a count.

The view is cut into square cells about a thumb wide on a phone; each cell with
events gets one mark at their mean position, carrying how many it stands for,
so a map of thousands of events stays a few kilobytes and every event counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from campaignkit.core.events.mapsvg import project_fine

#: Cells across the map's width (a 390-px phone: cells of about 25 px).
CELLS_ACROSS = 15


@dataclass(frozen=True)
class Cluster:
    """One mark on the map: the mean position of ``count`` events in one grid cell."""

    lat: float
    lon: float
    count: int


def cluster(
    positions: Iterable[tuple[float, float]],
    view: tuple[float, float, float, float],
    across: int = CELLS_ACROSS,
) -> list[Cluster]:
    """The marks for ``positions`` (lat, lon) inside ``view`` (south, north, west, east).

    Cells are square on the drawn map; positions outside the view are left
    out. Marks come busiest first.
    """
    south, north, west, east = view
    left, top = project_fine(north, west)
    size = (project_fine(north, east)[0] - left) / across  # map units per cell
    cells: dict[tuple[int, int], list[float]] = {}
    for lat, lon in positions:
        if not (south <= lat <= north and west <= lon <= east):
            continue
        x, y = project_fine(lat, lon)
        key = (int((x - left) // size), int((y - top) // size))
        cell = cells.setdefault(key, [0.0, 0.0, 0])
        cell[0] += lat
        cell[1] += lon
        cell[2] += 1
    marks = [Cluster(lat / n, lon / n, int(n)) for lat, lon, n in cells.values()]
    return sorted(marks, key=lambda mark: (-mark.count, mark.lat, mark.lon))
