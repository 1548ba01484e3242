"""Reading a search from a query string, for the pages and the JSON API alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta

from campaignkit.core.auth.access import current_member_approved
from campaignkit.core.events.queries import MAX_RADIUS_KM, Search
from campaignkit.core.geo import GeocodeError, geocode
from campaignkit.core.parsing import ParseError, parse_day, parse_float
from campaignkit.core.units import km_to_unit, unit_to_km

#: The radius a search starts with, in the kit's unit (25 km, or 25 miles in a kit in miles).
DEFAULT_RADIUS = 25.0


class SearchError(ValueError):
    """A search that cannot be run, with a message for the person."""


def _day(text: str, label: str) -> datetime:
    try:
        return datetime.combine(parse_day(text, f"the '{label}' date"), time(0), tzinfo=UTC)
    except ParseError as exc:
        raise SearchError(str(exc)) from None


def _float(text: str, label: str, low: float, high: float) -> float:
    try:
        return parse_float(text, low, high, f"'{label}'")
    except ParseError as exc:
        raise SearchError(str(exc)) from None


def read_search(
    args: Mapping[str, str], types: Mapping[str, str], order: str = "date"
) -> tuple[Search, str]:
    """The search asked for and a label for where; raises SearchError with a message.

    Arguments: ``near`` (a postcode) or ``lat`` and ``lon``; ``radius`` in the
    kit's unit (km or miles) or ``radius_km``;
    ``type`` (repeatable or comma-separated); ``from`` and ``to`` (dates,
    ``to`` inclusive, both between 2000-01-01 and 2100-12-31). Without
    ``from`` the search starts now.
    """
    label = ""
    lat = lon = None
    near = (args.get("near") or "").strip()
    if near:
        try:  # the place alone: a search has no use for its seat or time zone
            place = geocode(near)
        except GeocodeError as exc:
            raise SearchError(exc.message) from None
        lat, lon, label = place.lat, place.lon, near.upper()
    elif args.get("lat") or args.get("lon"):
        lat = _float(args.get("lat") or "", "lat", -90, 90)
        lon = _float(args.get("lon") or "", "lon", -180, 180)
        label = f"{lat:.4f}, {lon:.4f}"
    radius = unit_to_km(DEFAULT_RADIUS)
    if args.get("radius"):
        most = round(km_to_unit(MAX_RADIUS_KM))
        radius = min(MAX_RADIUS_KM, unit_to_km(_float(args["radius"], "radius", 0.1, most)))
    elif args.get("radius_km"):
        radius = _float(args["radius_km"], "radius_km", 0.1, MAX_RADIUS_KM)
    getlist = getattr(args, "getlist", None)
    raw = getlist("type") if getlist else [args.get("type") or ""]
    kinds = tuple(k for part in raw for k in part.split(",") if k.strip())
    unknown = [k for k in kinds if k not in types]
    if unknown:
        raise SearchError(f"Unknown event type '{unknown[0]}'; use one of {', '.join(types)}.")
    start = _day(args["from"], "from") if args.get("from") else datetime.now(UTC)
    end = _day(args["to"], "to") + timedelta(days=1) if args.get("to") else None
    if end is not None and end <= start:
        raise SearchError("The 'to' date must not be before the 'from' date.")
    search = Search(
        lat=lat,
        lon=lon,
        radius_km=radius,
        types=kinds,
        start=start,
        end=end,
        members=current_member_approved(),
        order=args.get("order") or order,
    )
    return search, label
