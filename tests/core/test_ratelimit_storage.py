"""The limiter's in-process storage counts like limits' own, without a thread per hit."""

from __future__ import annotations

import threading

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from campaignkit.core.ratelimit_storage import SweepingMemoryStorage


def test_counts_and_refuses_like_the_memory_storage_without_starting_threads():
    storage = storage_from_string("campaignkit-memory://")
    assert isinstance(storage, SweepingMemoryStorage)
    limiter, limit = FixedWindowRateLimiter(storage), parse("5 per minute")
    before = threading.active_count()
    allowed = [limiter.hit(limit, "198.51.100.7") for _ in range(8)]
    assert allowed == [True] * 5 + [False] * 3
    assert limiter.hit(limit, "198.51.100.8")  # another address has its own count
    assert threading.active_count() <= before


def test_expired_counters_are_swept(monkeypatch):
    storage = SweepingMemoryStorage()
    storage.incr("gone", expiry=0)
    monkeypatch.setattr(storage, "_next_sweep", 0.0)
    storage.incr("kept", expiry=60)
    assert "gone" not in storage.storage and storage.get("kept") == 1
