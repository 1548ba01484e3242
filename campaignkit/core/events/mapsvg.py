"""A map drawn on the server: an SVG of Great Britain with a dot per event, no tiles, no script.

The country's shape comes from the events themselves: every upcoming event
is a faint dot (thinned to a few thousand), the ones found are bold links.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from markupsafe import Markup, escape

SOUTH, NORTH, WEST, EAST = 49.8, 60.95, -8.3, 1.9
WIDTH = 300
SCALE = WIDTH / ((EAST - WEST) * math.cos(math.radians(54.5)))
HEIGHT = round((NORTH - SOUTH) * SCALE)
MAX_BACKGROUND = 4000


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG x, y of a position (a simple equirectangular projection at 54.5°N)."""
    x = (lon - WEST) * SCALE * math.cos(math.radians(54.5))
    y = (NORTH - lat) * SCALE
    return round(x, 1), round(y, 1)


def map_svg(
    background: Iterable[tuple[float, float]],
    found: Iterable[tuple[float, float, str, str]],
    centre: tuple[float, float] | None = None,
    summary: str = "Map of events",
) -> Markup:
    """The SVG: faint dots at ``background`` positions, bold dots for ``found``
    (lat, lon, title, url), and "you are here" at the searched ``centre``.

    The map is one image described by ``summary``: it holds no links (the list
    beside it has them), so nothing interactive sits inside an image.
    """
    points = list(background)
    step = max(1, len(points) // MAX_BACKGROUND)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="events-map" role="img" aria-labelledby="events-map-title">'
        f'<title id="events-map-title">{escape(summary)}</title>'
    ]
    for lat, lon in points[::step]:
        x, y = project(lat, lon)
        parts.append(f'<circle cx="{x}" cy="{y}" r="1.2" fill="#8c8c8c"/>')
    for lat, lon, _title, _url in found:
        x, y = project(lat, lon)
        parts.append(f'<circle cx="{x}" cy="{y}" r="2.6" fill="#c0392b"/>')
    if centre is not None:
        x, y = project(*centre)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="5" fill="none" stroke="#222" stroke-width="1.2"/>'
            f'<text x="{x + 7}" y="{y + 3}" font-size="9" font-weight="700" fill="#222">'
            "You are here</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
