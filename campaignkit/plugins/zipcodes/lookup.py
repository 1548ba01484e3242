"""Turning a ZIP code (or ``lat, lon``) into a Place, and a position into a district.

A 5-digit ZIP or ZIP+4 (``02139-4307`` is ``02139``) gives the ZIP area's
internal point with precision ``zip``, the district it lies in and, for a ZIP
that spans several, every other district too. A position's district is that
of the nearest ZIP area wholly inside one district; the answer says so.
"""

from __future__ import annotations

import re

from campaignkit.core import GeocodeError, Place, SeatRef
from campaignkit.plugins.zipcodes.tables import ZipArea, ZipTables, zip_tables

#: Five digits, optionally ZIP+4 (``10001``, ``10001-1234``, ``10001 1234``, ``100011234``).
ZIP_CODE = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
_POSITION = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
#: How far (km) the nearest ZIP area may be for a position to count as in its district.
NEAREST_LIMIT_KM = 150.0
#: Places whose member of the House cannot vote on the floor, by state code.
NON_VOTING = {
    "DC": "the District of Columbia, whose Delegate",
    "PR": "Puerto Rico, whose Resident Commissioner",
    "VI": "the U.S. Virgin Islands, whose Delegate",
    "GU": "Guam, whose Delegate",
    "AS": "American Samoa, whose Delegate",
    "MP": "the Northern Mariana Islands, whose Delegate",
}
BAD_ZIP = "'{text}' is not a ZIP code. A ZIP code is 5 digits, like 02139 (or ZIP+4, 02139-4307)."


def normalise_zip(query: str) -> str | None:
    """The 5-digit ZIP in what was typed (``02139-4307`` -> ``02139``); None if it is not one."""
    match = ZIP_CODE.match(query.strip())
    return match.group(1) if match else None


def looks_like_a_zip(text: str) -> bool:
    """True for short text with a digit in it: an attempt at a ZIP, not a street or town name."""
    compact = "".join(text.split())
    return len(compact) <= 12 and any(c.isdigit() for c in compact)


def _seat(data: ZipTables, code: str) -> SeatRef | None:
    district = data.districts.get(code)
    return SeatRef(district.code, district.name) if district else None


def _zip_place(query: str, data: ZipTables, area: ZipArea) -> Place:
    seats = [seat for seat in (_seat(data, code) for code in area.districts) if seat]
    if not seats:
        who = NON_VOTING.get(area.state, "a territory whose Delegate")
        raise GeocodeError(
            f"ZIP {area.code} is in {who} cannot vote in the House; "
            "this site covers the states, DC and Puerto Rico.",
            kind="not-covered",
        )
    notes = []
    if len(seats) > 1:
        names = ", ".join(seat.name for seat in seats[:-1]) + f" and {seats[-1].name}"
        notes.append(f"ZIP {area.code} spans {len(seats)} districts: {names}.")
    if area.state in NON_VOTING:
        notes.append(f"This ZIP is in {NON_VOTING[area.state]} cannot vote on the House floor.")
    district = data.districts[seats[0].code]
    return Place(
        query=query,
        label=f"ZIP {area.code}",
        lat=area.lat,
        lon=area.lon,
        precision="zip",
        seat=seats[0],
        other_seats=tuple(seats[1:]),
        note=" ".join(notes),
        timezone=district.timezone,
    )


def district_near(lat: float, lon: float) -> tuple[SeatRef, ZipArea] | None:
    """The district of the nearest single-district ZIP area, and that area; None if none is near."""
    data = zip_tables()
    found = data.nearest_whole_zip(lat, lon)
    if found is None or found[1] > NEAREST_LIMIT_KM:
        return None
    seat = _seat(data, found[0].districts[0])
    return (seat, found[0]) if seat else None


def _position_place(query: str, lat: float, lon: float) -> Place:
    near = district_near(lat, lon)
    label = f"{lat:.5f}, {lon:.5f}"
    if near is None:
        return Place(query, label, lat, lon, "position", note="That position is not near a US ZIP.")
    seat, area = near
    note = (
        f"The district is that of the nearest ZIP code area ({area.code}), "
        "so near a district line it may be the one next door."
    )
    zone = zip_tables().districts[seat.code].timezone
    return Place(query, label, lat, lon, "position", seat, note=note, timezone=zone)


def geocode_query(query: str) -> Place | None:
    """The Place for a ZIP or ``lat, lon``; GeocodeError for a bad or unknown ZIP; else None."""
    data = zip_tables()
    if not data.zips:
        return None  # a kit without ZIP tables: leave it to other geocoders
    position = _POSITION.match(query)
    if position:
        lat, lon = float(position.group(1)), float(position.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GeocodeError("That position is not on Earth.", kind="invalid")
        return _position_place(query, lat, lon)
    text = " ".join(query.split())
    code = normalise_zip(text)
    if code is None or code == "00000":
        if code is None and not looks_like_a_zip(text):
            return None
        raise GeocodeError(BAD_ZIP.format(text=text[:20]), kind="invalid")
    area = data.zips.get(code)
    if area is None:
        raise GeocodeError(
            f"{code} looks like a ZIP code, but we have no area for it (it may be a "
            "post office box or a business ZIP). Try the ZIP code of your street.",
            kind="unknown",
        )
    return _zip_place(query, data, area)
