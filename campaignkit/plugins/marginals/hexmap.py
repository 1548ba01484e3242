"""The hex map (or tile map) of every seat, as SVG made on the server and kept per set of margins.

Seats sit on the kit's hex grid (``hex_q``, ``hex_r`` in ``seats.csv``, odd
rows shifted right by half a hex, north up), or, when the kit gives every
seat a square (``tile_col``, ``tile_row``: the US kit, each state's districts
a block of equal squares), on that tile grid, each block labelled with its
region (the state's code). Each hex is a link to its seat
page with a ``<title>``; it is filled with the theme's ``--ck-primary`` at an
opacity that grows as the seat gets more marginal (or, on the organisers'
map, more in need of help), so the map follows the
theme without being drawn again.
"""

from __future__ import annotations

import math

from flask import url_for
from markupsafe import Markup, escape

from campaignkit.plugins.marginals.data import KitTables
from campaignkit.plugins.marginals.marginality import Marginality

SIZE = 6.0  # hex radius, in SVG units
BANDS = {"very marginal": 1.0, "marginal": 0.65, "safe": 0.25, "long shot": 0.12}
NO_DATA = 0.05
_cache: dict[tuple, Markup] = {}


def _corners(x: float, y: float) -> str:
    points = []
    for i in range(6):
        angle = math.radians(60 * i - 30)
        points.append(f"{x + SIZE * math.cos(angle):.1f},{y + SIZE * math.sin(angle):.1f}")
    return " ".join(points)


def hex_centre(q: int, r: int) -> tuple[float, float]:
    """The SVG centre of an odd-r hex, north up (before the map is shifted into view)."""
    width = math.sqrt(3) * SIZE
    return width * (q + 0.5 * (r & 1)), -1.5 * SIZE * r


def margin_shades(data: KitTables, margins: dict[str, Marginality]) -> dict[str, tuple]:
    """Each seat's ``(opacity, label)`` by its marginality band."""
    shades = {}
    for code, seat in data.seats.items():
        margin = margins.get(code)
        if margin is None:
            shades[code] = (NO_DATA, seat.name)
        else:
            label = f"{seat.name}: {margin.band} ({margin.pct}%)"
            shades[code] = (BANDS.get(margin.band, NO_DATA), label)
    return shades


def need_shades(data: KitTables, scores: dict[str, float]) -> dict[str, tuple]:
    """Each seat's ``(opacity, label)`` by its need score, in five steps of the highest."""
    top = max(scores.values(), default=0) or 1
    shades = {}
    for code, seat in data.seats.items():
        score = scores.get(code, 0.0)
        step = math.ceil(4 * score / top) / 4 if score > 0 else 0
        shades[code] = (max(NO_DATA, step), f"{seat.name}: need {score:g}")
    return shades


def is_tiled(data: KitTables) -> bool:
    """True when every seat has a square on a tile map (drawn instead of hexagons)."""
    return bool(data.seats) and all(seat.tile for seat in data.seats.values())


def tile_map(data: KitTables, shades: dict[str, tuple]) -> Markup:
    """The tile map's SVG: one equal square per seat, each region's block labelled."""
    step = 2 * SIZE
    squares = {code: seat.tile for code, seat in data.seats.items() if seat.tile}
    width = (max(col for col, _ in squares.values()) + 1) * step
    height = (max(row for _, row in squares.values()) + 1) * step
    parts = [
        f'<svg class="marginals-map" viewBox="0 {-step:.0f} {width:.0f} {height + step:.0f}" '
        'role="img" aria-labelledby="map-title"><title id="map-title">Every district, one '
        "square each, grouped by state; darker the more marginal</title>"
    ]
    corners: dict[str, tuple[int, int]] = {}
    for code, (col, row) in sorted(squares.items()):
        region = data.seats[code].region
        corners[region] = min(corners.get(region, (col, row)), (col, row), key=lambda c: c[::-1])
        opacity, label = shades.get(code, (NO_DATA, data.seats[code].name))
        parts.append(
            f'<a href="{escape(url_for("marginals.seat", code=code))}">'
            f"<title>{escape(label)}</title>"
            f'<rect x="{col * step + 0.5:.1f}" y="{row * step + 0.5:.1f}" '
            f'width="{step - 1:.1f}" height="{step - 1:.1f}" fill-opacity="{opacity}"/></a>'
        )
    for region, (col, _row) in sorted(corners.items()):
        top = min(r for code, (_c, r) in squares.items() if data.seats[code].region == region)
        parts.append(
            f'<text x="{col * step:.1f}" y="{top * step - 2:.1f}" aria-hidden="true">'
            f"{escape(region)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text part escaped above


def hex_map(data: KitTables, shades: dict[str, tuple], key: object) -> Markup:
    """The map's SVG, each seat shaded by ``shades[code] = (opacity, label)`` (cached by key)."""
    cache_key = (data.folder, key)
    if cache_key in _cache:
        return _cache[cache_key]
    if is_tiled(data):
        if len(_cache) > 8:
            _cache.clear()
        _cache[cache_key] = tile_map(data, shades)
        return _cache[cache_key]
    centres = {code: hex_centre(s.hex_q, s.hex_r) for code, s in data.seats.items()}
    min_x = min(x for x, _ in centres.values()) - SIZE
    min_y = min(y for _, y in centres.values()) - SIZE
    width = max(x for x, _ in centres.values()) - min_x + SIZE
    height = max(y for _, y in centres.values()) - min_y + SIZE
    parts = [
        f'<svg class="marginals-map" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        'aria-labelledby="map-title"><title id="map-title">Every seat, darker the more '
        "marginal</title>"
    ]
    for code, (x, y) in sorted(centres.items()):
        opacity, label = shades.get(code, (NO_DATA, data.seats[code].name))
        parts.append(
            f'<a href="{escape(url_for("marginals.seat", code=code))}">'
            f"<title>{escape(label)}</title>"
            f'<polygon points="{_corners(x - min_x, y - min_y)}" fill-opacity="{opacity}"/></a>'
        )
    parts.append("</svg>")
    if len(_cache) > 8:
        _cache.clear()
    _cache[cache_key] = Markup("".join(parts))  # noqa: S704 - every text part escaped above
    return _cache[cache_key]
