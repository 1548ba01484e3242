"""pytest fixtures for places and campaign events: ``ck_geocoder`` and ``ck_make_event``.

Part of campaignkit's pytest plugin (``campaignkit.testing`` imports them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from campaignkit import hookimpl
from campaignkit.core import Place, SeatRef


class FixedGeocoder:
    """A geocoder plugin that knows only the places it was given (postcode -> Place).

    Register it with ``ck_make_app(extra_plugins=[("geocoder", ck_geocoder)])``.
    It answers ``campaignkit_geocode`` for its postcodes in any case and
    spacing, and ``None`` for anything else; ``add`` teaches it another.
    """

    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        self.add("SW1A 1AA", 51.50101, -0.14156, "E14001172", "Cities of London and Westminster")
        self.add("EH1 1YZ", 55.95206, -3.19085, "S14000078", "Edinburgh East and Musselburgh")
        self.add("CF10 1EP", 51.47893, -3.17661, "W07000091", "Cardiff South and Penarth")

    def add(self, postcode: str, lat: float, lon: float, seat_code: str = "", seat_name: str = ""):
        """Know one more postcode; returns its Place."""
        seat = SeatRef(seat_code, seat_name) if seat_code else None
        place = Place(postcode, postcode, lat, lon, "postcode", seat)
        self.places[_key(postcode)] = place
        return place

    @hookimpl
    def campaignkit_geocode(self, query):
        """The Place for a known postcode, else None."""
        return self.places.get(_key(query))


def _key(text: str) -> str:
    return "".join(text.split()).upper()


@pytest.fixture
def ck_geocoder() -> FixedGeocoder:
    """A geocoder plugin object with three postcodes (SW1A 1AA, EH1 1YZ, CF10 1EP)."""
    return FixedGeocoder()


@pytest.fixture
def ck_make_event(ck_app: Flask) -> Callable[..., Any]:
    """``ck_make_event(**fields)``: save an approved campaign event in ``ck_app``; returns it.

    Fields are the event form's (``title``, ``type``, ``date``, ``start``,
    ``end``, ``postcode``, ``capacity``, ...) with defaults for a canvass
    tomorrow at SW1A 1AA; ``lat``, ``lon``, ``seat_code`` and ``seat_name``
    set its position without a geocoder. It is saved as a host's form is,
    so ``campaignkit_event_changed`` is called ("created", then "approved").
    """
    from campaignkit.core.events.service import create_event
    from campaignkit.core.events.settings import event_types
    from campaignkit.core.events.validation import clean_event

    def make(**fields: Any) -> Any:
        position = {
            "lat": fields.pop("lat", 51.50101),
            "lon": fields.pop("lon", -0.14156),
            "seat_code": fields.pop("seat_code", None),
            "seat_name": fields.pop("seat_name", None),
        }
        form = {
            "type": "canvass",
            "title": "Door knocking",
            "date": (date.today() + timedelta(days=1)).isoformat(),
            "start": "10:00",
            "end": "13:00",
            "postcode": "SW1A 1AA",
            **fields,
        }
        with ck_app.test_request_context():
            values = clean_event(form, event_types(), locate=False)
            return create_event({**values, **position}, None)

    return make
