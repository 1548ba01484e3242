"""UK postcodes: normalise, validate and split into district (outward code) and sector.

A full postcode is an outward code (``SW1A``: area letters, district number,
maybe a letter) and an inward code (``1AA``: sector digit and unit letters).
People type them in any case and spacing; ``parse`` accepts a full postcode,
a sector (``SW1A 1``) or a district (``SW1A``) and says which it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OUTWARD = r"(?P<area>[A-Z]{1,2})(?P<num>[0-9][0-9A-Z]?)"
_FULL = re.compile(rf"^{OUTWARD}(?P<inward>[0-9][A-Z]{{2}})$")
_SECTOR = re.compile(rf"^{OUTWARD} ?(?P<sector>[0-9])$")
_DISTRICT = re.compile(rf"^{OUTWARD}$")
#: The district number is one or two digits, or one digit then a letter (W1A, EC1V).
_DISTRICT_NUMBER = re.compile(r"^([0-9]{1,2}|[0-9][A-Z])$")
#: Areas whose postcodes this kit does not cover (Northern Ireland).
NOT_COVERED_AREAS = frozenset({"BT"})


@dataclass(frozen=True)
class Postcode:
    """A parsed postcode, sector or district; ``kind`` is "postcode", "sector" or "district"."""

    kind: str
    area: str
    district: str
    sector: str | None = None
    postcode: str | None = None

    @property
    def text(self) -> str:
        """The normalised form of what was typed (``SW1A 1AA``, ``SW1A 1`` or ``SW1A``)."""
        return self.postcode or self.sector or self.district


def squeeze(text: str) -> str:
    """Upper case with every space removed: the key postcodes are compared by."""
    return re.sub(r"\s+", "", text or "").upper()


def normalise(text: str) -> str | None:
    """``sw1a1aa`` -> ``SW1A 1AA``; None when the text is not a full postcode."""
    found = parse(text)
    return found.postcode if found and found.kind == "postcode" else None


def _outward(match: re.Match[str]) -> tuple[str, str] | None:
    area, number = match.group("area"), match.group("num")
    if not _DISTRICT_NUMBER.match(number):
        return None
    return area, area + number


def parse(text: str) -> Postcode | None:
    """Parse a full postcode, a sector or a district; None when it is none of them."""
    raw = " ".join((text or "").upper().split())
    compact = raw.replace(" ", "")
    full = _FULL.match(compact)
    if full and (parts := _outward(full)):
        area, district = parts
        inward = full.group("inward")
        return Postcode(
            "postcode", area, district, f"{district} {inward[0]}", f"{district} {inward}"
        )
    sector = _SECTOR.match(raw) if " " in raw else None
    if sector and (parts := _outward(sector)):
        area, district = parts
        return Postcode("sector", area, district, f"{district} {sector.group('sector')}")
    district = _DISTRICT.match(compact)
    if district and (parts := _outward(district)):
        return Postcode("district", *parts)
    return None


def is_covered(parsed: Postcode) -> bool:
    """False for postcodes in areas the kit has no postcode data for (Northern Ireland)."""
    return parsed.area not in NOT_COVERED_AREAS
