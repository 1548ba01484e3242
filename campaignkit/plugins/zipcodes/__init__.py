"""US ZIP codes: the US kit's geocoder and its position -> district lookup.

A 5-digit ZIP or ZIP+4 becomes the position of its ZIP code area (precision
``zip``) with the district it lies in and any others it spans; a position
gets the district of the nearest ZIP area wholly in one district. The data is
the kit's ``zips.csv`` and ``seats.csv`` (see ``scripts/build_us_kit_data.py``),
read once. Text that is plainly not a ZIP is left to other geocoders. No settings.
"""

from __future__ import annotations

from campaignkit import hookimpl
from campaignkit.plugins.zipcodes.lookup import district_near, geocode_query


@hookimpl
def campaignkit_geocode(query):
    """A ZIP code or ``lat, lon`` as a Place; a clear GeocodeError for a bad or unknown ZIP."""
    return geocode_query(query)


@hookimpl
def campaignkit_seat_at(lat, lon):
    """The district of the nearest ZIP area wholly in one district, or None far from any."""
    near = district_near(lat, lon)
    return near[0] if near else None
