"""The US geocoder: ZIP and ZIP+4 to a place and its districts, a position to a district."""

from __future__ import annotations

import pytest

from campaignkit.core import GeocodeError, geocode, seat_at

US = pytest.mark.parametrize(("campaignkit_kit", "campaignkit_plugins"), [("us", None)])


@US
def test_a_zip_gives_its_area_and_district(app):
    with app.test_request_context():
        place = geocode("10022")
        assert place.precision == "zip" and place.label == "ZIP 10022"
        assert place.seat.code == "NY-12" and place.seat.name == "New York's 12th"
        assert place.other_seats == () and not place.spans_several_seats
        assert place.timezone == "America/New_York"
        assert abs(place.lat - 40.7588) < 0.01 and abs(place.lon + 73.9680) < 0.01


@US
def test_zip_plus_four_is_the_five_digit_zip(app):
    with app.test_request_context():
        for typed in ("02139-4307", " 02139 4307 ", "021394307"):
            place = geocode(typed)
            assert place.label == "ZIP 02139" and place.seat.code == "MA-05", typed
            assert [s.code for s in place.other_seats] == ["MA-07"]


@US
def test_a_split_zip_names_every_district_it_spans(app):
    with app.test_request_context():
        place = geocode("01002")
        assert place.spans_several_seats
        assert [place.seat.code, *(s.code for s in place.other_seats)] == ["MA-01", "MA-02"]
        assert "spans 2 districts: Massachusetts's 1st and Massachusetts's 2nd" in place.note
        across = geocode("20135")  # Virginia and West Virginia
        codes = {across.seat.code, *(s.code for s in across.other_seats)}
        assert codes == {"VA-10", "VA-06", "WV-02"}


@US
def test_at_large_states_dc_and_puerto_rico(app):
    with app.test_request_context():
        alaska = geocode("99501")
        assert (alaska.seat.code, alaska.seat.name) == ("AK-00", "Alaska at large")
        assert alaska.timezone == "America/Anchorage" and alaska.note == ""
        wyoming = geocode("82001")
        assert wyoming.seat.code == "WY-00" and wyoming.timezone == "America/Denver"
        dc = geocode("20001")
        assert dc.seat.code == "DC-00" and dc.seat.name == "District of Columbia"
        assert "Delegate cannot vote on the House floor" in dc.note
        pr = geocode("00901")
        assert pr.seat.code == "PR-00" and pr.timezone == "America/Puerto_Rico"
        assert "Resident Commissioner cannot vote on the House floor" in pr.note


TERRITORIES = {
    "00802": "U.S. Virgin Islands",
    "96910": "Guam",
    "96799": "American Samoa",
    "96950": "Northern Mariana Islands",
}


@US
def test_a_territory_without_a_voting_member_says_so(app):
    with app.test_request_context():
        for zip_code, where in TERRITORIES.items():
            with pytest.raises(GeocodeError) as refused:
                geocode(zip_code)
            assert refused.value.kind == "not-covered"
            assert where in refused.value.message
            assert "cannot vote in the House" in refused.value.message


@US
def test_a_bad_zip_gets_a_clear_message(app):
    with app.test_request_context():
        for typed in ("0213A", "1234", "123456", "00000", "02139-43", "ABC12", "SW1A 1AA"):
            with pytest.raises(GeocodeError) as refused:
                geocode(typed)
            assert refused.value.kind == "invalid", typed
            assert f"'{typed}' is not a ZIP code. A ZIP code is 5 digits" in refused.value.message


@US
def test_an_unknown_zip_gets_a_different_message(app):
    with app.test_request_context():
        with pytest.raises(GeocodeError) as refused:
            geocode("99999")
        assert refused.value.kind == "unknown"
        assert "99999 looks like a ZIP code, but we have no area for it" in refused.value.message
        with pytest.raises(GeocodeError, match="We could not find 'Main Street'"):
            geocode("Main Street")


@US
def test_a_position_gets_the_district_of_the_nearest_zip_area(app):
    with app.test_request_context():
        assert seat_at(40.7580, -73.9855).code == "NY-12"  # Times Square
        assert seat_at(61.2181, -149.9003).code == "AK-00"  # Anchorage
        assert seat_at(48.85, 2.35) is None  # Paris
        place = geocode("40.7580, -73.9855")
        assert place.precision == "position" and place.seat.code == "NY-12"
        assert "nearest ZIP code area" in place.note


def test_the_uk_kit_leaves_zips_alone(app):
    with app.test_request_context(), pytest.raises(GeocodeError, match="is not a UK postcode"):
        geocode("02139")
