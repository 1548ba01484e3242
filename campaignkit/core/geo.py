"""Geography: turning what a person typed into a position, and a position into a seat.

Every lookup goes through hooks so kits and plugins can supply the data: a
plugin that knows postcodes implements ``campaignkit_geocode``; one that knows
seat boundaries implements ``campaignkit_seat_at``. Core and other plugins
call ``geocode()`` and ``seat_at()`` here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

#: How precise a Place is, most precise first.
PRECISIONS = ("postcode", "position", "sector", "district", "area")


class GeocodeError(ValueError):
    """A place that cannot be used, with a message worded for the person who typed it.

    ``kind`` says why: "invalid" (not a postcode at all), "unknown" (a valid
    postcode nobody has data for) or "not-covered" (for example Northern
    Ireland, where the kit has no postcode data).
    """

    def __init__(self, message: str, kind: str = "unknown"):
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class SeatRef:
    """An electoral area (a constituency or district): its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Place:
    """A position found for a query, with how precise it is and the seat(s) it lies in.

    ``seat`` is the seat the position lies in (or the one most of an area's
    postcodes lie in); ``other_seats`` lists further seats an area touches,
    so a page can say the answer is approximate.
    """

    query: str
    label: str
    lat: float
    lon: float
    precision: str
    seat: SeatRef | None = None
    other_seats: tuple[SeatRef, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def spans_several_seats(self) -> bool:
        """True when the place is an area that reaches into more than one seat."""
        return bool(self.other_seats)


def _manager():  # noqa: ANN202 - pluggy.PluginManager
    return current_app.extensions["campaignkit"].manager


def geocode(query: str) -> Place:
    """The place for a postcode (or other place text); raises GeocodeError with a clear message."""
    text = (query or "").strip()
    if not text:
        raise GeocodeError("Please enter a postcode.", kind="invalid")
    place = _manager().hook.campaignkit_geocode(query=text)
    if place is None:
        raise GeocodeError(f"We could not find '{text}'. Check it and try again.", kind="unknown")
    return place


def seat_at(lat: float, lon: float) -> SeatRef | None:
    """The seat a position lies in, or None when no enabled plugin knows seats there."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeocodeError("That position is not on Earth.", kind="invalid")
    return _manager().hook.campaignkit_seat_at(lat=lat, lon=lon)
