"""Geocoding through the hook: messages, precision district/sector/exact, positions."""

from __future__ import annotations

import pytest
from marginals_samples import postcodes_of

from campaignkit.core import GeocodeError, geocode, seat_at, write_session
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.importers import import_postcodes


def lookup(app, query):
    """geocode(query) inside a request, as a page would call it."""
    with app.test_request_context():
        return geocode(query)


def refusal(app, query) -> GeocodeError:
    """The GeocodeError geocode(query) raises."""
    with pytest.raises(GeocodeError) as caught:
        lookup(app, query)
    return caught.value


def test_messages_for_invalid_unknown_and_northern_ireland(app):
    invalid = refusal(app, "not a postcode")
    assert invalid.kind == "invalid" and "is not a UK postcode" in invalid.message
    unknown = refusal(app, "ZZ9 9ZZ")
    assert (
        unknown.kind == "unknown"
        and "ZZ9 9ZZ looks like a postcode, but we have no record" in unknown.message
    )
    assert invalid.message != unknown.message
    ireland = refusal(app, "bt7 1nn")
    assert ireland.kind == "not-covered"
    assert "Northern Ireland postcodes are not covered yet" in ireland.message
    assert "Belfast South and Mid Down" in ireland.message  # the list of seats offered


def test_precision_district_then_sector_then_exact(app, sample_zip, sample_rows):
    postcode = postcodes_of(sample_rows["bs"])[5]
    district = lookup(app, postcode.split()[0].lower())
    assert district.precision == "district" and district.seat is not None
    sector = lookup(app, postcode[:-2])
    assert sector.precision == "sector" and sector.label.startswith(postcode[:-2])
    before = lookup(app, postcode.replace(" ", "").lower())
    assert before.precision == "sector" and "do not have" in before.note

    with app.app_context(), write_session() as session:
        import_postcodes(session, sample_zip, seat_index(tables().boundaries_file))
    exact = lookup(app, postcode.replace(" ", "").lower())
    assert (exact.precision, exact.label) == ("postcode", postcode)
    with app.test_request_context():
        assert exact.seat == seat_at(exact.lat, exact.lon)
    assert not exact.spans_several_seats


def test_an_area_spanning_several_seats_says_so(app):
    place = lookup(app, "AB10 1")  # 95.5% Aberdeen South, the rest Aberdeen North
    assert place.precision == "sector" and place.seat.name == "Aberdeen South"
    assert [seat.name for seat in place.other_seats] == ["Aberdeen North"]
    assert "reaches into 2 seats" in place.note and "96%" in place.note
    whole = lookup(app, "AB11")
    assert whole.precision == "district" and not whole.spans_several_seats and not whole.note


def test_a_position_gets_the_seat_it_lies_in(app):
    place = lookup(app, "51.50100, -0.14190")  # Buckingham Palace
    assert place.precision == "position"
    assert place.seat.name == "Cities of London and Westminster"
    assert lookup(app, "0, 0").seat is None
    assert refusal(app, "95, 0").kind == "invalid"
