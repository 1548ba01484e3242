"""Benchmark: what one rate-limit hit costs in the shared SQLite store against per-process memory.

Times ``FixedWindowRateLimiter.hit`` (what Flask-Limiter calls on every
limited request) over a few hundred visitors' keys, first in the in-process
memory storage campaignkit used before (it counted per worker, so two
workers doubled every limit), then in the instance's SQLite file that every
worker shares. Prints microseconds per hit for both and their ratio; the
SQLite hit should stay well under a millisecond, small beside the request
it guards.

    python bench/ratelimit.py [--hits 20000] [--keys 500]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from campaignkit.core.ratelimit_storage import SQLiteStorage, storage_uri


class OldMemoryStorage(MemoryStorage):
    """The per-process storage used before: limits' memory storage, swept inline once a minute."""

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = time.monotonic() + 60.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - replaces the timer thread
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + 60.0
            self._MemoryStorage__expire_events()


def per_hit_us(storage, hits: int, keys: int) -> float:  # noqa: ANN001 - a limits Storage
    """Microseconds per ``hit`` of a "10 per hour" limit, cycling through ``keys`` visitors."""
    limiter, limit = FixedWindowRateLimiter(storage), parse("10 per hour")
    visitors = [f"198.51.{n // 250}.{n % 250}" for n in range(keys)]
    for visitor in visitors:  # warm up: every key exists, as on a busy site
        limiter.hit(limit, visitor)
    start = time.perf_counter()
    for n in range(hits):
        limiter.hit(limit, visitors[n % keys])
    return (time.perf_counter() - start) / hits * 1e6


def main() -> None:
    """Run both storages in this process and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--keys", type=int, default=500)
    args = parser.parse_args()
    memory = per_hit_us(OldMemoryStorage(), args.hits, args.keys)
    with tempfile.TemporaryDirectory() as folder:
        shared = per_hit_us(SQLiteStorage(storage_uri(Path(folder), None)), args.hits, args.keys)
    print(f"memory (per worker): {memory:8.1f} us per hit")
    print(f"sqlite (shared):     {shared:8.1f} us per hit")
    print(f"ratio sqlite/memory: {shared / memory:8.1f}x  (+{shared - memory:.1f} us per hit)")


if __name__ == "__main__":
    main()
