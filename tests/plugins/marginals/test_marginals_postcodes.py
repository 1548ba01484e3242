"""Postcode normalisation and parsing (no app needed)."""

from __future__ import annotations

import pytest

from campaignkit.plugins.marginals.postcodes import is_covered, normalise, parse
from campaignkit.plugins.marginals.sources import clean_postcode


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  SW1A   1AA ", "SW1A 1AA"),
        ("ec1v9hx", "EC1V 9HX"),
        ("w1a 0ax", "W1A 0AX"),
        ("m11ae", "M1 1AE"),
        ("cr26xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("hello", None),
        ("SW1A", None),
        ("12345", None),
        ("SW1A 1A", None),
        ("Q1 1AA", "Q1 1AA"),
    ],
)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


def test_parse_says_what_was_typed():
    full = parse("bs15te")
    assert (full.kind, full.district, full.sector, full.postcode) == (
        "postcode",
        "BS1",
        "BS1 5",
        "BS1 5TE",
    )
    sector = parse("bs1 5")
    assert (sector.kind, sector.text) == ("sector", "BS1 5")
    district = parse("Bs1")
    assert (district.kind, district.text) == ("district", "BS1")
    assert parse("BS15").kind == "district"  # a district, not sector 5 of BS1
    assert parse("SW1AA 1AA") is None
    assert parse("") is None


def test_northern_ireland_is_not_covered():
    assert not is_covered(parse("BT1 1AA"))
    assert is_covered(parse("B1 1AA"))


def test_codepoint_postcodes_are_cleaned():
    assert clean_postcode("B1  1AY") == "B1 1AY"
    assert clean_postcode("SW1A1AA") == "SW1A 1AA"
    assert clean_postcode("NOT A CODE") is None
