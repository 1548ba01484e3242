"""The events map's view: which box it shows, the marks in it and the words that describe it.

The map shows a searched place (a square around it as wide as the search's
distance), a region the person chose (``region`` in the query string, from
``regions``), or the whole country. Every event in the view is on it, those
close together merged into one mark with their count.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from markupsafe import Markup
from sqlalchemy.orm import Session

from campaignkit.core.events.clusters import cluster
from campaignkit.core.events.land import borders_in_view, land_in_view, view_around
from campaignkit.core.events.mapsvg import EAST, NORTH, SOUTH, WEST, map_svg
from campaignkit.core.events.queries import Search, positions
from campaignkit.core.events.regions import Region, region_views, whole_view
from campaignkit.core.state import current_instance


def chosen_region(data_dir: Path, key: str | None) -> Region | None:
    """The region view asked for by its key, or None (no key, or one the kit does not have)."""
    return next((region for region in region_views(data_dir) if region.key == key), None)


def map_search(data_dir: Path, search: Search, region: Region | None) -> Search:
    """The search the map and the list beside it show: cut to the map's view.

    In a region's view the searched place only marks "you are here": every
    event in the region is shown, however far.
    """
    if region is not None:
        return replace(search, lat=None, lon=None, box=region.view)
    if search.lat is not None and search.lon is not None:
        return replace(search, box=view_around(search.lat, search.lon, search.radius_km))
    return replace(search, box=whole_view(region_views(data_dir)) or (SOUTH, NORTH, WEST, EAST))


def _inside(view: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return view[0] <= lat <= view[1] and view[2] <= lon <= view[3]


def events_map(  # noqa: PLR0913 - the search, where it was and how it is shown
    session: Session,
    data_dir: Path,
    search: Search,
    centre: tuple[float, float] | None,
    where: str,
    region: Region | None,
) -> Markup:
    """The map of every event ``search`` (from ``map_search``) finds, clustered, on the land.

    ``centre`` is the searched place ("you are here") and ``where`` its words.
    """
    view = search.box or (SOUTH, NORTH, WEST, EAST)
    marks = cluster(positions(session, search), view)
    total = sum(mark.count for mark in marks)
    here = centre if centre is not None and _inside(view, *centre) else None
    events = f"{total} event{'' if total == 1 else 's'}"
    if region is not None:
        summary = f"Map of {region.name} with {events}"
    elif search.lat is not None:
        summary = f"Map of {events} within {search.radius_km:.0f} km of {where}"
    else:
        summary = f"Map of {events} across the whole map"
    if here is not None:
        summary += f"; {where} is marked 'you are here'"
    busiest = marks[0].count if marks else 0
    land = land_in_view(data_dir, view)
    description = (
        ("The land is drawn from the seat boundaries. " if land else "")
        + "Events close together are one disc "
        f"with their number: {len(marks)} mark{'' if len(marks) == 1 else 's'} in all, "
        f"the busiest standing for {busiest}. The list after the map names each event."
    )
    return map_svg(
        [(mark.lat, mark.lon, mark.count) for mark in marks],
        here,
        summary,
        view,
        land,
        description=description,
        borders=borders_in_view(data_dir, view),
    )


def place_map(  # noqa: PLR0913 - the map's layers, each optional
    view: tuple[float, float, float, float],
    outline: list[list[tuple[float, float]]] = (),
    events: list[tuple[float, float]] = (),
    here: tuple[float, float] | None = None,
    summary: str = "Map",
    description: str = "",
) -> Markup:
    """A small map of ``view`` (south, north, west, east): the kit's land and seat
    borders, an ``outline`` (rings of lon, lat: a seat's boundary), ``events`` at
    (lat, lon) positions (clustered where close) and "you are here" at ``here`` when
    it is in view.

    An image (``role="img"``) titled by ``summary`` and described by ``description``,
    with no links inside: put them in a list beside it.
    """
    marks = cluster(events, view)
    shown = here if here is not None and _inside(view, *here) else None
    data_dir = current_instance().kit.data_dir
    return map_svg(
        [(mark.lat, mark.lon, mark.count) for mark in marks],
        shown, summary, view, land_in_view(data_dir, view), outline, description,
        name="place-map", borders=borders_in_view(data_dir, view),
    )  # fmt: skip
