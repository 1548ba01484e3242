"""Geography: turning what a person typed into a position, and a position into a seat.

Every lookup goes through hooks so kits and plugins can supply the data: a
plugin that knows postcodes implements ``campaignkit_geocode``; one that knows
seat boundaries implements ``campaignkit_seat_at``. Core and other plugins
call ``geocode()`` and ``seat_at()`` here. Answers are kept a few minutes
(``PlaceCache``), since the data behind them changes only on a re-import,
and dropped in every worker once the ``places`` version moves
(``clear_place_cache``, see ``campaignkit.core.changes``).
"""

from __future__ import annotations

import threading
from dataclasses import replace

from cachetools import TTLCache

from campaignkit.core.changes import changed, version
from campaignkit.core.hooktypes import Place, SeatRef
from campaignkit.core.state import app_store, current_manager

#: How precise a Place is, most precise first.
PRECISIONS = ("postcode", "position", "zip", "sector", "district", "area")
#: What a person is told when no enabled plugin provides the ``geocode`` capability.
NO_GEOCODER = (
    "This site cannot look places up yet, so searching by postcode does not work here. "
    "The organisers can set it up (campaignkit check says how)."
)


class GeocodeError(ValueError):
    """A place that cannot be used, with a message worded for the person who typed it.

    ``kind`` says why: "invalid" (not a postcode at all), "unknown" (a valid
    postcode nobody has data for), "not-covered" (for example Northern
    Ireland, where the kit has no postcode data) or "unavailable" (no
    enabled plugin looks places up at all).
    """

    def __init__(self, message: str, kind: str = "unknown"):
        super().__init__(message)
        self.message = message
        self.kind = kind


class PlaceCache:
    """Recent geocoding answers, kept a few minutes (cachetools' TTL-bounded LRU, with a lock).

    Postcode data changes only when someone re-imports it, yet the same
    postcodes come up again and again (a pledge shared in one town, a
    search repeated). A re-import bumps the ``places`` version
    (``clear_place_cache``) and every worker forgets its answers when it
    sees the version move (``follow``); ``ttl`` is only an upper bound.
    Errors are not kept.
    """

    def __init__(self, size: int = 20_000, ttl: float = 300.0):
        self._places: TTLCache[str, Place] = TTLCache(maxsize=size, ttl=ttl)
        self._lock = threading.Lock()
        self._version: int | None = None

    def follow(self, current: int) -> None:
        """Forget every answer unless they were kept at version ``current`` of the data."""
        with self._lock:
            if self._version != current:
                self._places.clear()
                self._version = current

    def get(self, query: str) -> Place | None:
        """The kept answer for ``query``, or None when there is none or it is too old."""
        with self._lock:
            return self._places.get(query)

    def put(self, query: str, place: Place, seen: int | None = None) -> None:
        """Keep an answer, forgetting the least recently used one when full.

        ``seen`` is the data's version noted before the answer was looked up:
        an answer looked up before the version last moved is not kept.
        """
        with self._lock:
            if seen is None or seen == self._version:
                self._places[query] = place

    def clear(self) -> None:
        """Forget every answer (after new postcode data was imported)."""
        with self._lock:
            self._places.clear()


def _place_cache() -> PlaceCache:
    return app_store("campaignkit.geo").setdefault("places", PlaceCache())


def clear_place_cache() -> None:
    """Make every worker forget its geocoding answers (call it after importing place data)."""
    _place_cache().clear()
    changed("places")


def _manager():  # noqa: ANN202 - pluggy.PluginManager
    return current_manager()


def geocode(query: str) -> Place:
    """The place for a postcode (or other place text); raises GeocodeError with a clear message."""
    text = (query or "").strip()
    if not text:
        raise GeocodeError("Please enter a postcode.", kind="invalid")
    cache = _place_cache()
    seen = version("places")  # noted before the data is read
    cache.follow(seen)
    key = cache_key(text)
    place = cache.get(key)
    if place is not None:
        return place if place.query == text else replace(place, query=text)
    hook = _manager().hook.campaignkit_geocode
    if not hook.get_hookimpls():
        raise GeocodeError(NO_GEOCODER, kind="unavailable")
    place = hook(query=text)
    if place is None:
        raise GeocodeError(f"We could not find '{text}'. Check it and try again.", kind="unknown")
    cache.put(key, place, seen)
    return place


def cache_key(query: str) -> str:
    """The key a query's answer is kept under: upper case, spaces removed.

    Postcodes and ZIP codes do not depend on case or spacing, so ``sw1a1aa``
    and ``SW1A 1AA`` share one answer.
    """
    return "".join(query.split()).upper()


def seat_at(lat: float, lon: float) -> SeatRef | None:
    """The seat a position lies in, or None when no enabled plugin knows seats there."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeocodeError("That position is not on Earth.", kind="invalid")
    return _manager().hook.campaignkit_seat_at(lat=lat, lon=lon)
