"""Geocoding for the kit's country: exact postcode (once imported) > sector > district.

Every answer says how precise it is, and says so when a sector or district
reaches into several seats. A position typed as ``lat, lon`` (what "use my
location" sends) is answered too, with the seat it lies in.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam, select

from campaignkit.core import GeocodeError, Place, SeatRef, db_session
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import Area, KitTables, load_tables, tables
from campaignkit.plugins.marginals.models import PostcodePoint
from campaignkit.plugins.marginals.postcodes import Postcode, is_covered, parse

_POSITION = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
NOT_COVERED_NATION = "Northern Ireland"
_POINT = select(PostcodePoint.lat, PostcodePoint.lon, PostcodePoint.seat).where(
    PostcodePoint.postcode == bindparam("postcode")
)


def seat_ref(data: KitTables, code: str | None) -> SeatRef | None:
    """The SeatRef for a seat code (None for None or a code the kit does not know)."""
    seat = data.seats.get(code) if code else None
    return SeatRef(seat.code, seat.name) if seat else None


@cache
def _seat_postcodes(folder: Path) -> dict[str, str]:
    data = load_tables(folder)
    found: dict[str, str] = {}
    for areas in (data.sectors, data.districts):  # a sector where one is known, else a district
        best: dict[str, tuple[float, str]] = {}
        for area in areas.values():
            weight = area.postcodes * area.share
            if area.seat not in found and weight > best.get(area.seat, (-1.0, ""))[0]:
                best[area.seat] = (weight, area.code)
        found.update({seat: code for seat, (_weight, code) in best.items()})
    if not found and (folder / "zips.csv").is_file():  # a kit of ZIP codes (the US kit)
        with (folder / "zips.csv").open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if " " not in row["districts"] and row["districts"]:
                    found.setdefault(row["districts"], row["zip"])
    return found


def seat_postcode(code: str) -> str | None:
    """A postcode sector (or district, or ZIP) in the seat, to start a form there; None if none."""
    return _seat_postcodes(tables().folder).get(code)


def seat_code_at(lat: float, lon: float) -> str | None:
    """The code of the kit seat whose boundary holds the position, or None."""
    return seat_index(tables().boundaries_file).seat_of(lat, lon)


def seats_in(nation: str) -> list[SeatRef]:
    """The seats of one nation, by name (the list offered where postcodes are not covered)."""
    data = tables()
    chosen = [s for s in data.seats.values() if s.nation == nation]
    return [SeatRef(s.code, s.name) for s in sorted(chosen, key=lambda s: s.name)]


def _area_place(query: str, data: KitTables, area: Area, precision: str, note: str) -> Place:
    others = tuple(filter(None, (seat_ref(data, code) for code in area.other_seats)))
    seat = seat_ref(data, area.seat)
    if others and seat:
        share = round(area.share * 100)
        note += (
            f" The area around {area.code} reaches into {len(others) + 1} seats; "
            f"{share}% of its addresses are in {seat.name}."
        )
    label = area.code
    return Place(query, label, area.lat, area.lon, precision, seat, others, note.strip())


def _position_place(query: str, lat: float, lon: float) -> Place:
    data = tables()
    seat = seat_ref(data, seat_code_at(lat, lon))
    note = "" if seat else "That position is not in any seat this kit covers."
    return Place(query, f"{lat:.5f}, {lon:.5f}", lat, lon, "position", seat, note=note)


def _postcode_place(query: str, parsed: Postcode) -> Place:
    data = tables()
    note = ""
    if parsed.kind == "postcode":
        row = db_session().execute(_POINT, {"postcode": parsed.postcode}).first()
        if row is not None:
            return Place(query, parsed.text, row.lat, row.lon, "postcode", seat_ref(data, row.seat))
        note = f"We do not have {parsed.text} itself, so this answer is for the area around it."
    if not is_covered(parsed):  # unless its exact postcode was imported (the ONSPD has them)
        names = ", ".join(seat.name for seat in seats_in(NOT_COVERED_NATION))
        raise GeocodeError(
            "Northern Ireland postcodes are not covered yet. "
            f"Please choose your seat from the list instead: {names}.",
            kind="not-covered",
        )
    if parsed.sector and parsed.sector in data.sectors:
        return _area_place(query, data, data.sectors[parsed.sector], "sector", note)
    if parsed.district in data.districts:
        return _area_place(query, data, data.districts[parsed.district], "district", note)
    raise GeocodeError(
        f"{parsed.text} looks like a postcode, but we have no record of it. "
        "Check it and try again.",
        kind="unknown",
    )


def geocode_query(query: str) -> Place:
    """The Place for a postcode, sector, district or ``lat, lon``; raises GeocodeError."""
    position = _POSITION.match(query or "")
    if position:
        lat, lon = float(position.group(1)), float(position.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GeocodeError("That position is not on Earth.", kind="invalid")
        return _position_place(query, lat, lon)
    parsed = parse(query)
    if parsed is None:
        raise GeocodeError(
            f"'{query.strip()}' is not a UK postcode. A postcode looks like SW1A 1AA.",
            kind="invalid",
        )
    return _postcode_place(query, parsed)
