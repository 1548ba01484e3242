"""Distances and place words in the kit's own terms: kilometres or miles, postcode or ZIP code.

A kit says ``distance_unit = "mi"`` (default ``"km"``) and ``postcode_label =
"ZIP code"`` (default ``"postcode"``) in its ``[election]`` table. Searches
keep kilometres inside; pages show and take distances in the kit's unit.
"""

from __future__ import annotations

from campaignkit.core.state import current_instance

KM_PER_MILE = 1.609344
#: Unit code -> (kilometres per unit, its name for one, for several).
UNITS = {"km": (1.0, "km", "km"), "mi": (KM_PER_MILE, "mile", "miles")}


def distance_unit() -> str:
    """The kit's distance unit: "km" or "mi"."""
    unit = str((current_instance().kit.election or {}).get("distance_unit") or "km")
    return unit if unit in UNITS else "km"


def km_to_unit(km: float, unit: str | None = None) -> float:
    """A distance in kilometres in the kit's unit (or in ``unit``, "km" or "mi")."""
    return km / UNITS[unit or distance_unit()][0]


def unit_to_km(value: float) -> float:
    """A distance in the kit's unit in kilometres."""
    return value * UNITS[distance_unit()][0]


def unit_name(plural: bool = True, unit: str | None = None) -> str:
    """The kit's unit (or ``unit``) as a word for pages: "km", "miles" (or "mile")."""
    return UNITS[unit or distance_unit()][2 if plural else 1]


def distance_text(km: float, places: int = 1, unit: str | None = None) -> str:
    """A distance for people, in the kit's unit: "3.2 km", "2.0 miles", "1 mile".

    Pass ``unit`` (``distance_unit()``) when writing many distances at once.
    """
    unit = unit or distance_unit()
    value = round(km_to_unit(km, unit), places)
    return f"{value:,.{places}f} {unit_name(value != 1, unit)}"


def postcode_label() -> str:
    """What the kit's country calls a postcode: "postcode" unless the kit says (``ZIP code``)."""
    return str((current_instance().kit.election or {}).get("postcode_label") or "postcode")
