"""The hex map (or tile map) of every seat, as SVG made on the server and kept per set of margins.

Seats sit on the kit's hex grid (``hex_q``, ``hex_r`` in ``seats.csv``, odd
rows shifted right by half a hex, north up), or, when the kit gives every
seat a square (``tile_col``, ``tile_row``: the US kit, each state's districts
a block of equal squares), on that tile grid, each block labelled with its
region (the state's code). The map is one image (``role="img"``), not a
stack of 650 links: the list beside it links every seat, so a keyboard or a
screen reader skips it in one step. Each hex is one ``<use>`` of a single
hexagon, grouped by shade, and filled with the theme's ``--ck-primary`` at an
opacity that grows as the seat gets more marginal (or, on the organisers'
map, more in need of help), so the map follows the theme without being drawn
again. "You are here" (the searched seat outlined and labelled) is added on
top of the cached map.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from campaignkit.plugins.marginals.data import KitTables
from campaignkit.plugins.marginals.marginality import Marginality

SIZE = 6.0  # hex radius, in SVG units
BANDS = {"very marginal": 1.0, "marginal": 0.65, "safe": 0.25, "long shot": 0.12}
NO_DATA = 0.05
_cache: dict[tuple, tuple[str, dict[str, tuple]]] = {}


def _corners(x: float = 0.0, y: float = 0.0) -> str:
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


def _by_shade(places: dict[str, str], shades: dict[str, tuple], data: KitTables) -> str:
    """The shapes (``places[code]``: one SVG element each), grouped by their seat's opacity."""
    groups: dict[float, list[str]] = {}
    for code, shape in sorted(places.items()):
        groups.setdefault(shades.get(code, (NO_DATA, data.seats[code].name))[0], []).append(shape)
    return "".join(
        f'<g fill-opacity="{opacity:g}">{"".join(shapes)}</g>'
        for opacity, shapes in sorted(groups.items())
    )


def tile_map(data: KitTables, shades: dict[str, tuple]) -> tuple[str, dict[str, tuple]]:
    """The tile map's SVG (open, without ``</svg>``): one equal square per seat, each region's
    block labelled; and each seat's square (x, y, size) for "you are here"."""
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
    places, boxes = {}, {}
    for code, (col, row) in sorted(squares.items()):
        region = data.seats[code].region
        corners[region] = min(corners.get(region, (col, row)), (col, row), key=lambda c: c[::-1])
        x, y = col * step + 0.5, row * step + 0.5
        places[code] = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 1:.0f}" height="{step - 1:.0f}"/>'
        )
        boxes[code] = (x, y, step - 1)
    parts.append(_by_shade(places, shades, data))
    for region, (col, _row) in sorted(corners.items()):
        top = min(r for code, (_c, r) in squares.items() if data.seats[code].region == region)
        parts.append(
            f'<text x="{col * step:.1f}" y="{top * step - 2:.1f}" aria-hidden="true">'
            f"{escape(region)}</text>"
        )
    return "".join(parts), boxes


def _hexagons(data: KitTables, shades: dict[str, tuple]) -> tuple[str, dict[str, tuple]]:
    """The hex map's SVG (open, without ``</svg>``) and each seat's hex centre."""
    centres = {code: hex_centre(s.hex_q, s.hex_r) for code, s in data.seats.items()}
    min_x = min(x for x, _ in centres.values()) - SIZE
    min_y = min(y for _, y in centres.values()) - SIZE
    width = max(x for x, _ in centres.values()) - min_x + SIZE
    height = max(y for _, y in centres.values()) - min_y + SIZE
    shifted = {code: (x - min_x, y - min_y) for code, (x, y) in centres.items()}
    places = {
        code: f'<use href="#hx" x="{x:.1f}" y="{y:.1f}"/>' for code, (x, y) in shifted.items()
    }
    svg = (
        f'<svg class="marginals-map" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        'aria-labelledby="map-title"><title id="map-title">Every seat, darker the more '
        f'marginal</title><defs><polygon id="hx" points="{_corners()}"/></defs>'
        + _by_shade(places, shades, data)
    )
    return svg, shifted


def _you_are_here(tiled: bool, place: tuple, name: str, right: float) -> str:
    """The searched seat outlined, labelled "You are here", and said in words."""
    if tiled:
        x, y, size = place
        shape = f'<rect x="{x:.1f}" y="{y:.1f}" width="{size:.0f}" height="{size:.0f}"/>'
        x, y = x + size / 2, y + size / 2
    else:
        x, y = place
        shape = f'<use href="#hx" x="{x:.1f}" y="{y:.1f}"/>'
    side = -1 if x > right * 0.6 else 1  # the label goes towards the map's middle
    return (
        f'<desc>Your seat, {escape(name)}, is outlined and marked "you are here".</desc>'
        f'<g class="you-are-here" fill="none" stroke="#222" stroke-width="2">{shape}</g>'
        f'<text class="you-are-here-label" x="{x + side * (SIZE + 2):.1f}" y="{y + 3:.1f}" '
        f'text-anchor="{"end" if side < 0 else "start"}" '
        f'font-weight="700" fill="#222" stroke="#fff" stroke-width="0.6" '
        f'paint-order="stroke">You are here</text>'
    )


def hex_map(
    data: KitTables, shades: dict[str, tuple], key: object, here: str | None = None
) -> Markup:
    """The map's SVG, each seat shaded by ``shades[code] = (opacity, label)`` (cached by key),
    with seat ``here`` outlined and marked "you are here"."""
    cache_key = (data.folder, key)
    if cache_key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        draw = tile_map if is_tiled(data) else _hexagons
        _cache[cache_key] = draw(data, shades)
    svg, places = _cache[cache_key]
    mark = ""
    if here in places:
        right = max(place[0] for place in places.values())
        mark = _you_are_here(is_tiled(data), places[here], data.seats[here].name, right)
    return Markup(svg + mark + "</svg>")  # noqa: S704 - every text part escaped above
