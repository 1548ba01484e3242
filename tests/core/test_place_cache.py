"""Recent geocoding answers: kept a while, bounded, forgotten on request, one per spelling."""

from __future__ import annotations

import time

import pytest

import campaignkit
from campaignkit.core import geocode
from campaignkit.core.geo import Place, PlaceCache


def _place(query: str) -> Place:
    return Place(query, query, 51.5, -0.12, "postcode")


def test_answers_are_kept_until_they_age_and_the_least_used_go_first():
    cache = PlaceCache(size=2, ttl=0.2)
    cache.put("SW1A 1AA", _place("SW1A 1AA"))
    cache.put("CF10 1EP", _place("CF10 1EP"))
    assert cache.get("SW1A 1AA").query == "SW1A 1AA"  # now the most recently used
    cache.put("EH1 1YZ", _place("EH1 1YZ"))
    assert cache.get("CF10 1EP") is None and cache.get("SW1A 1AA") is not None
    time.sleep(0.25)
    assert cache.get("SW1A 1AA") is None and cache.get("EH1 1YZ") is None


def test_clear_forgets_every_answer():
    cache = PlaceCache()
    cache.put("SW1A 1AA", _place("SW1A 1AA"))
    cache.clear()
    assert cache.get("SW1A 1AA") is None


class CountingGeocoder:
    """A test geocoder that counts how often it is asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @campaignkit.hookimpl
    def campaignkit_geocode(self, query):
        self.asked.append(query)
        return Place(query, "SW1A 1AA", 51.501, -0.1416, "postcode")


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """No built-in geocoder: the counting one answers."""
    return []


def test_one_answer_is_kept_for_every_spelling_of_a_query(make_app):
    geocoder = CountingGeocoder()
    app = make_app(extra_plugins=[("counting", geocoder)])
    with app.test_request_context():
        first = geocode("sw1a1aa")
        again = geocode(" SW1A 1AA ")
        assert geocoder.asked == ["sw1a1aa"]
        assert (first.query, again.query) == ("sw1a1aa", "SW1A 1AA")
        assert (again.lat, again.lon) == (first.lat, first.lon)
        geocode("SW1A 2AA")
        assert geocoder.asked == ["sw1a1aa", "SW1A 2AA"]
