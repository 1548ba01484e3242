"""A test-only geocoder: postcode districts from the shared ONS/OS table, with their seats.

Reads ``../shared/data/uk/postcode_districts_gb.csv`` (relative to the
repository). A full postcode is looked up by its outward code (district).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from campaignkit import hookimpl
from campaignkit.core import GeocodeError, Place, SeatRef

DISTRICTS_CSV = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "uk" / "postcode_districts_gb.csv"
)
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*[0-9][A-Z]{2})?$")


@cache
def districts() -> dict[str, tuple[float, float, str, str]]:
    """District -> (lat, lon, seat code, seat name)."""
    with DISTRICTS_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["district"]: (
                float(row["lat"]),
                float(row["lon"]),
                row["pcon24cd"],
                row["pcon24nm"],
            )
            for row in csv.DictReader(handle)
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
