"""Pace platform calls so a rate-limit window's budget is used fully and never exceeded.

The apply job keeps one `Pacer` per rate-limited endpoint (on X, mute and unmute have
separate limits). Before each call it calls `wait_before_call()`; after the answer it
gives the pacer the answer's rate-limit headers (`after_call`), or the retry time of a
429 (`after_rate_limited`), and tries the same call again.

How calls are spread:

- with headers (calls left in the window and when it reopens), the calls left are
  spread evenly before the reset (or, with ``spread=False``, made at once: the apply job's
  choice, so a slow call never pushes one into the next window), and after the last one
  the pacer waits for the reset;
  the headers are the platform's own count, so they also cover calls the subscriber's
  other apps made;
- without headers, calls are spaced by the published limit (window ÷ limit apart), so
  no stretch of one window's length ever holds more than `limit` of them;
- after a 429, nothing is called before the time the platform gave.

Time comes from an injected `Clock` (anything with ``time()`` and ``sleep(seconds)``), so
the benchmark can run a 15-minute window in a second and tests need no real waiting.
"""

from __future__ import annotations

import time
from typing import Protocol

from .platforms.base import RateLimit

#: Calls are placed this fraction of a window after a reset, so that a call never lands
#: in the closing window by a clock's rounding (0.09 s of a 15-minute window).
RESET_MARGIN = 1e-4


class Clock(Protocol):
    """Where the pacer reads the time (Unix seconds) and how it waits."""

    def time(self) -> float:
        """The current Unix time in seconds."""

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` seconds."""


class SystemClock:
    """The real clock: `time.time` and `time.sleep`."""

    def time(self) -> float:
        """The current Unix time in seconds."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` seconds."""
        time.sleep(seconds)


class Pacer:
    """Spreads calls to one endpoint over its rate-limit windows.

    `limit_per_window` and `window_seconds` are the platform's published limit (X: 50
    mutes per 15 minutes), used until the platform's own headers say otherwise.
    """

    def __init__(
        self,
        limit_per_window: int,
        window_seconds: float,
        clock: Clock | None = None,
        *,
        spread: bool = True,
    ) -> None:
        if limit_per_window < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs at least one call per window of positive length")
        self.limit_per_window = limit_per_window
        self.window_seconds = window_seconds
        self.clock = clock if clock is not None else SystemClock()
        #: With headers: spread the calls left evenly before the reset (True), or make them
        #: at once and then wait for the reset (False: a worker is free between windows, and
        #: a slow call never pushes one into the next window).
        self.spread = spread
        self._next_call_at = 0.0  # Unix time before which no call is made
        self._last_call_at: float | None = None  # when the last call was let through
        self._window_limit = limit_per_window  # the limit the platform reports, if any
        self._remaining: int | None = None  # calls left in the current window, if known
        self._reset_at: float | None = None  # when the current window reopens, if known

    @property
    def _margin(self) -> float:
        """How long after a reset the first call of the new window is made."""
        return self.window_seconds * RESET_MARGIN

    @property
    def _spacing(self) -> float:
        """Seconds between calls at the published (or last reported) limit."""
        return self.window_seconds / self._window_limit

    @property
    def next_call_at(self) -> float:
        """The Unix time before which no call is made (0 when one may be made now)."""
        return self._next_call_at

    def wait_before_call(self) -> None:
        """Sleep until the next call may be made (returns at once if it may be made now)."""
        delay = self._next_call_at - self.clock.time()
        if delay > 0:
            self.clock.sleep(delay)
        self._last_call_at = self.clock.time()

    def after_call(self, rate_limit: RateLimit | None) -> None:
        """Take the answer's rate-limit headers (None if it had none) and plan the next call.

        With headers, the calls left are spread evenly before the reset (the last one a
        gap before it), then the pacer waits for the reset. Without them, call starts are
        spaced window ÷ limit apart.
        """
        now = self.clock.time()
        if _usable(rate_limit, now):
            if rate_limit.limit:
                self._window_limit = rate_limit.limit
            self._remaining = max(rate_limit.remaining, 0)
            self._reset_at = rate_limit.reset_at
            if self._remaining == 0:
                self._next_call_at = self._reset_at + self._margin
            elif not self.spread:
                self._next_call_at = now
            else:
                self._next_call_at = now + (self._reset_at - now) / (self._remaining + 1)
            return
        self._remaining = self._reset_at = None
        started = self._last_call_at if self._last_call_at is not None else now
        self._next_call_at = started + self._spacing * (1 + RESET_MARGIN)

    def after_rate_limited(self, retry_at: float) -> None:
        """The platform answered 429: make no call before `retry_at` (Unix time)."""
        self._remaining = 0
        self._reset_at = max(retry_at, self.clock.time())
        self._next_call_at = max(self._next_call_at, self._reset_at + self._margin)

    def estimated_finish(self, pending_count: int) -> float:
        """When `pending_count` more calls should be done, in Unix time (an estimate)."""
        now = self.clock.time()
        if pending_count <= 0:
            return now
        start = max(now, self._next_call_at)
        remaining, reset_at = self._remaining, self._reset_at
        if remaining is None or reset_at is None or reset_at <= now:
            return start + (pending_count - 1) * self._spacing
        if pending_count <= remaining:
            return start + (pending_count - 1) * (reset_at - start) / remaining
        full_windows, last = divmod(pending_count - remaining, self._window_limit)
        if last == 0:
            full_windows, last = full_windows - 1, self._window_limit
        reopens = reset_at + self._margin + full_windows * self.window_seconds
        return reopens + (last - 1) * self._spacing


def _usable(rate_limit: RateLimit | None, now: float) -> bool:
    """Whether headers say how many calls are left and when a window still ahead reopens."""
    return (
        rate_limit is not None
        and rate_limit.remaining is not None
        and rate_limit.reset_at is not None
        and rate_limit.reset_at > now
    )
