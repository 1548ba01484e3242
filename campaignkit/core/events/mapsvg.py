"""A map drawn on the server: an SVG with a dot per event, no tiles, no script.

Near a searched place the map zooms to the search's distance and draws the
land from the kit's boundaries (see ``land``); all of Great Britain is shown
by its events alone: every upcoming event a faint dot (thinned to a few
thousand), the ones found bold.
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


def _box(view: tuple[float, float, float, float] | None) -> tuple[float, float, float, float]:
    """The SVG viewBox (x, y, width, height) of a (south, north, west, east) view."""
    if view is None:
        return 0, 0, WIDTH, HEIGHT
    south, north, west, east = view
    x0, y0 = project(north, west)
    x1, y1 = project(south, east)
    return x0, y0, round(x1 - x0, 2), round(y1 - y0, 2)


def _land_path(rings: Iterable[Iterable[tuple[float, float]]]) -> str:
    """One SVG path of every land outline (lon, lat rings), two decimals."""
    parts = []
    for ring in rings:
        points = [project_fine(lat, lon) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in points) + "Z")
    return "".join(parts)


def project_fine(lat: float, lon: float) -> tuple[float, float]:
    """``project`` without rounding, for outlines drawn zoomed in."""
    return (lon - WEST) * SCALE * math.cos(math.radians(54.5)), (NORTH - lat) * SCALE


def map_svg(  # noqa: PLR0913 - the map's layers, each optional
    background: Iterable[tuple[float, float]],
    found: Iterable[tuple[float, float, str, str]],
    centre: tuple[float, float] | None = None,
    summary: str = "Map of events",
    view: tuple[float, float, float, float] | None = None,
    land: Iterable[Iterable[tuple[float, float]]] = (),
) -> Markup:
    """The SVG: the ``land`` in ``view`` (south, north, west, east; default all of
    Great Britain), faint dots at ``background`` positions, bold dots for
    ``found`` (lat, lon, title, url) and "you are here" at the searched ``centre``.

    The map is one image described by ``summary``: it holds no links (the list
    beside it has them), so nothing interactive sits inside an image.
    """
    x0, y0, width, height = _box(view)
    zoom = width / WIDTH  # dots and text keep their size on screen whatever the view

    def inside(lat: float, lon: float) -> bool:
        return view is None or (view[0] <= lat <= view[1] and view[2] <= lon <= view[3])

    points = [p for p in background if inside(*p)]
    step = max(1, len(points) // MAX_BACKGROUND)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {width} {height}" '
        f'class="events-map" role="img" aria-labelledby="events-map-title">'
        f'<title id="events-map-title">{escape(summary)}</title>'
    ]
    outline = _land_path(land)
    if outline:
        parts.append(f'<path d="{outline}" fill="#e3ddcf" stroke="#b9ae97" '
                     f'stroke-width="{0.4 * zoom:.3f}"/>')  # fmt: skip
    for lat, lon in points[::step]:
        x, y = project_fine(lat, lon)
        parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{1.2 * zoom:.2f}" fill="#8c8c8c"/>')
    for lat, lon, _title, _url in found:
        x, y = project_fine(lat, lon)
        parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{2.6 * zoom:.2f}" fill="#c0392b"/>')
    if centre is not None:
        x, y = project_fine(*centre)
        parts.append(
            f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{5 * zoom:.2f}" fill="none" stroke="#222" '
            f'stroke-width="{1.2 * zoom:.2f}"/><text x="{x + 7 * zoom:.2f}" y="{y + 3 * zoom:.2f}" '
            f'font-size="{9 * zoom:.2f}" font-weight="700" fill="#222">You are here</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
