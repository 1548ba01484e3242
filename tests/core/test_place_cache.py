"""Recent geocoding answers: kept a while, bounded, forgotten on request."""

from __future__ import annotations

import time

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
