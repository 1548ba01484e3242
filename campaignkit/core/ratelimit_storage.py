"""The rate limiter's in-process storage, used when no Redis is configured.

``limits``' own memory storage starts a timer thread on every hit to sweep
expired counters, which costs more than the whole check on a busy form.
This one sweeps inline, at most once a minute; a counter past its window
is already ignored on read, so the sweep only returns memory.
"""

from __future__ import annotations

import time

from limits.storage import MemoryStorage


class SweepingMemoryStorage(MemoryStorage):
    """In-memory counters (per process) that sweep expired keys inline, without threads."""

    STORAGE_SCHEME = ["campaignkit-memory"]
    #: Seconds between sweeps of expired counters.
    SWEEP_EVERY = 60.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = time.monotonic() + self.SWEEP_EVERY

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - replaces the timer thread
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()
