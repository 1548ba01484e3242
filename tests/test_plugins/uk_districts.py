"""A test-only geocoder: the UK kit's shipped postcode-district table, with each district's seat.

Reads ``campaignkit/kits/uk/data/districts.csv`` and ``seats.csv`` (shipped
with the project, so it works on a fresh clone). A full postcode is looked up
by its outward code (district).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from campaignkit import hookimpl
from campaignkit.core import GeocodeError, Place, SeatRef

KIT_DATA = Path(__file__).resolve().parents[2] / "campaignkit" / "kits" / "uk" / "data"
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*[0-9][A-Z]{2})?$")


def _rows(name: str) -> list[dict[str, str]]:
    with (KIT_DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def districts() -> dict[str, tuple[float, float, str, str]]:
    """District -> (lat, lon, seat code, seat name)."""
    seat_names = {row["code"]: row["name"] for row in _rows("seats.csv")}
    return {
        row["code"]: (float(row["lat"]), float(row["lon"]), row["seat"], seat_names[row["seat"]])
        for row in _rows("districts.csv")
    }


@hookimpl
def campaignkit_geocode(query):
    """A district's centre and main seat, for a district or a full postcode."""
    text = query.strip().upper()
    match = POSTCODE.match(text)
    if not match:
        raise GeocodeError(f"'{query}' is not a UK postcode.", kind="invalid")
    found = districts().get(match.group(1))
    if found is None:
        return None
    lat, lon, code, name = found
    return Place(text, match.group(1), lat, lon, "district", SeatRef(code, name))
