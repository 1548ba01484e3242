"""A seat page's small map: the seat's boundary on the land, its events and "you are here".

Drawn on the server by core's ``place_map`` from the kit's boundaries; a kit
without boundaries (the US kit) gets no map.
"""

from __future__ import annotations

from markupsafe import Markup

from campaignkit.core import GeocodeError, geocode, place_map
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import KitTables

#: Room around the seat, as a share of its size, and at least this many degrees.
ROOM, LEAST_ROOM = 0.15, 0.01


def _inside(view: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return view[0] <= lat <= view[1] and view[2] <= lon <= view[3]


def searched_place(postcode: str) -> tuple[float, float] | None:
    """Where a postcode the person searched for is, or None (none given, or not found)."""
    if not postcode.strip():
        return None
    try:
        place = geocode(postcode)
    except GeocodeError:
        return None
    return place.lat, place.lon


def searched_seat(postcode: str) -> str | None:
    """The code of the seat a searched postcode is in, or None."""
    if not postcode:
        return None
    try:
        place = geocode(postcode)
    except GeocodeError:
        return None
    return place.seat.code if place.seat else None


def seat_outline_map(
    data: KitTables, code: str, events: list[dict], here: tuple[float, float] | None
) -> Markup | None:
    """The map of seat ``code`` with its ``events`` (dicts with ``lat``, ``lon``) and ``here``."""
    if not data.boundaries_file.is_file():
        return None
    boundary = seat_index(data.boundaries_file).outline_of(code)
    if boundary is None:
        return None
    west, south, east, north = boundary.bounds
    dlat = max((north - south) * ROOM, LEAST_ROOM)
    dlon = max((east - west) * ROOM, LEAST_ROOM * 1.7)
    view = (south - dlat, north + dlat, west - dlon, east + dlon)
    simple = boundary.simplify((east - west + 2 * dlon) / 400)
    rings = [
        list(polygon.exterior.coords)
        for polygon in getattr(simple, "geoms", [simple])
        if not polygon.is_empty
    ]
    placed = [
        (e["lat"], e["lon"])
        for e in events
        if e.get("lat") is not None and _inside(view, e["lat"], e["lon"])
    ]
    name = data.seats[code].name
    summary = f"Map of {name}: its boundary"
    if placed:
        summary += f" and {len(placed)} upcoming event{'' if len(placed) == 1 else 's'}"
    if here is not None and _inside(view, *here):
        summary += ", with your postcode marked 'you are here'"
    description = (
        "The seat is the shaded shape with the dark border; each red dot is an event "
        "(a disc with a number is several close together). The events are listed after the map."
    )
    return place_map(view, rings, placed, here, summary, description)
