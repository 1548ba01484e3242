"""A map drawn on the server: an SVG of the land and the events on it, no tiles, no script.

The land comes from the kit's boundaries (see ``land``), simplified for the
view; events close together are one mark with their count (see ``clusters``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from markupsafe import Markup, escape

SOUTH, NORTH, WEST, EAST = 49.8, 60.95, -8.3, 1.9
WIDTH = 300
SCALE = WIDTH / ((EAST - WEST) * math.cos(math.radians(54.5)))
HEIGHT = round((NORTH - SOUTH) * SCALE)


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


def _number(value: int, decimals: int) -> str:
    """A whole number of map quanta as the shortest SVG number ("-0.5" as "-.5")."""
    text = (
        f"{value / 10**decimals:.{decimals}f}".rstrip("0").rstrip(".") if decimals else str(value)
    )
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _land_path(rings: Iterable[Iterable[tuple[float, float]]], zoom: float = 1.0) -> str:
    """One SVG path of every outline (lon, lat rings), in relative steps.

    Points are rounded to about a tenth of a map unit on screen (``zoom`` is
    the view's width over the whole map's), so a coastline costs a few bytes
    a point; steps that round to nothing are dropped.
    """
    decimals = max(1, min(4, 1 - math.floor(math.log10(zoom)))) if zoom < 1 else 1
    quantum = 10**decimals
    parts = []
    for ring in rings:
        points = [project_fine(lat, lon) for lon, lat in ring]
        grid = [(round(x * quantum), round(y * quantum)) for x, y in points]
        steps = []
        for (x0, y0), (x1, y1) in zip(grid, grid[1:], strict=False):
            if (x1, y1) != (x0, y0):
                dx, dy = _number(x1 - x0, decimals), _number(y1 - y0, decimals)
                steps.append(dx + ("" if dy.startswith("-") else " ") + dy)
        if len(steps) >= 2:
            start = f"{_number(grid[0][0], decimals)} {_number(grid[0][1], decimals)}"
            parts.append(f"M{start}l" + " ".join(steps) + "z")
    return "".join(parts)


def project_fine(lat: float, lon: float) -> tuple[float, float]:
    """``project`` without rounding, for outlines drawn zoomed in."""
    return (lon - WEST) * SCALE * math.cos(math.radians(54.5)), (NORTH - lat) * SCALE


def _mark(x: float, y: float, count: int, zoom: float) -> str:
    """One event (a dot) or a cluster (a bigger disc with its count)."""
    if count == 1:
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{2.6 * zoom:.2f}" fill="#c0392b"/>'
    radius = (5 + 1.5 * math.log10(count)) * zoom
    return (
        f'<g class="cluster"><circle cx="{x:.2f}" cy="{y:.2f}" r="{radius:.2f}" fill="#c0392b" '
        f'stroke="#fff" stroke-width="{0.6 * zoom:.2f}"/>'
        f'<text x="{x:.2f}" y="{y + 2.3 * zoom:.2f}" '
        f'font-size="{(6.5 if count < 100 else 5.2) * zoom:.2f}" text-anchor="middle" '
        f'font-weight="700" fill="#fff">{count}</text></g>'
    )


def map_svg(  # noqa: PLR0913 - the map's layers, each optional
    marks: Iterable[tuple[float, float, int]],
    centre: tuple[float, float] | None = None,
    summary: str = "Map of events",
    view: tuple[float, float, float, float] | None = None,
    land: Iterable[Iterable[tuple[float, float]]] = (),
    outline: Iterable[Iterable[tuple[float, float]]] = (),
    description: str = "",
    name: str = "events-map",
    borders: Iterable[Iterable[tuple[float, float]]] = (),
) -> Markup:
    """The SVG: the ``land`` in ``view`` (south, north, west, east; default all of
    Great Britain), thin ``borders`` (the seats' boundaries), an ``outline``
    drawn over them (one seat's boundary), a mark per
    (lat, lon, count) in ``marks`` (a dot for one event, a disc with the count
    for several) and "you are here" at the searched ``centre``.

    The map is one image titled by ``summary`` and described by ``description``:
    it holds no links (the list beside it has them), so nothing interactive
    sits inside an image. ``name`` is its class and the stem of its ids.
    """
    x0, y0, width, height = _box(view)
    zoom = width / WIDTH  # dots and text keep their size on screen whatever the view
    labelled = f"{name}-title" + (f" {name}-desc" if description else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {width} {height}" '
        f'class="{name}" role="img" aria-labelledby="{labelled}">'
        f'<title id="{name}-title">{escape(summary)}</title>'
    ]
    if description:
        parts.append(f'<desc id="{name}-desc">{escape(description)}</desc>')
    coast = _land_path(land, zoom)
    if coast:
        parts.append(f'<path d="{coast}" fill="#e3ddcf" stroke="#b9ae97" '
                     f'stroke-width="{0.4 * zoom:.3f}"/>')  # fmt: skip
    lines = _land_path(borders, zoom)
    if lines:
        parts.append(f'<path d="{lines}" fill="none" stroke="#b9ae97" '
                     f'stroke-width="{0.5 * zoom:.3f}"/>')  # fmt: skip
    border = _land_path(outline, zoom)
    if border:
        parts.append(f'<path d="{border}" fill="#c0392b" fill-opacity="0.12" stroke="#7a2418" '
                     f'stroke-width="{1.2 * zoom:.3f}"/>')  # fmt: skip
    for lat, lon, count in marks:
        parts.append(_mark(*project_fine(lat, lon), count, zoom))
    if centre is not None:
        x, y = project_fine(*centre)
        parts.append(
            f'<g class="you-are-here"><circle cx="{x:.2f}" cy="{y:.2f}" r="{5 * zoom:.2f}" '
            f'fill="none" stroke="#222" stroke-width="{1.2 * zoom:.2f}"/>'
            f'<text x="{x + 7 * zoom:.2f}" y="{y + 3 * zoom:.2f}" font-size="{9 * zoom:.2f}" '
            f'font-weight="700" fill="#222" stroke="#fff" stroke-width="{0.25 * zoom:.2f}" '
            'paint-order="stroke">You are here</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part above is escaped
