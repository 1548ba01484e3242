"""The pacer against a rate-limited endpoint, on a clock that only moves when told to.

`FakeClock` is the injected time source; `WindowedEndpoint` counts calls in fixed windows
as X and Mastodon do, answers with rate-limit headers and raises `RateLimited` (a 429)
when a window's budget is exceeded.
"""

from __future__ import annotations

import math

import pytest

from campaignkit.plugins.blocklists.pacing import Pacer
from campaignkit.plugins.blocklists.platforms.base import RateLimit, RateLimited

T0 = 1_800_000_000.0  # a Unix time in 2027, so nothing can pass for "now" by accident


class FakeClock:
    """Time that moves only by sleep() and advance()."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class WindowedEndpoint:
    """An endpoint allowing `limit` calls per fixed window, windows starting at `origin`."""

    def __init__(
        self, clock: FakeClock, limit: int, window: float, origin: float, headers: bool = True
    ) -> None:
        self.clock, self.limit, self.window, self.origin = clock, limit, window, origin
        self.headers = headers
        self.calls: list[float] = []
        self.refused = 0

    def _window_end(self, at: float) -> float:
        return self.origin + (math.floor((at - self.origin) / self.window) + 1) * self.window

    def used(self, at: float) -> int:
        end = self._window_end(at)
        return sum(1 for when in self.calls if self._window_end(when) == end)

    def call(self, latency: float = 0.0) -> RateLimit | None:
        at = self.clock.time()
        if self.used(at) >= self.limit:
            self.refused += 1
            raise RateLimited("429", retry_at=self._window_end(at))
        self.calls.append(at)
        self.clock.advance(latency)
        if not self.headers:
            return None
        return RateLimit(self.limit, self.limit - self.used(at), self._window_end(at))


def make_calls(pacer: Pacer, endpoint: WindowedEndpoint, count: int, latency: float = 0.0):
    """Make `count` successful calls as the apply job will, retrying after a 429."""
    while len(endpoint.calls) < count:
        pacer.wait_before_call()
        try:
            answer = endpoint.call(latency)
        except RateLimited as refused:
            pacer.after_rate_limited(refused.retry_at)
            continue
        pacer.after_call(answer)


@pytest.mark.parametrize("latency", [0.0, 0.2])
@pytest.mark.parametrize("origin_offset", [0.0, 437.5])
def test_headers_pace_calls_to_the_theoretical_minimum_without_a_429(latency, origin_offset):
    clock = FakeClock()
    endpoint = WindowedEndpoint(clock, limit=50, window=900, origin=T0 - origin_offset)
    pacer = Pacer(50, 900, clock)

    make_calls(pacer, endpoint, 500, latency)

    assert endpoint.refused == 0
    minimum = 500 / 50 * 900
    assert clock.now - T0 <= 1.01 * minimum
    per_window = {endpoint._window_end(when) for when in endpoint.calls}
    assert all(endpoint.used(end - 1) <= 50 for end in per_window)


def test_a_full_window_is_used_before_the_pacer_waits_for_the_reset():
    clock = FakeClock()
    endpoint = WindowedEndpoint(clock, limit=10, window=60, origin=T0)
    make_calls(Pacer(10, 60, clock), endpoint, 20)
    assert [endpoint.used(T0), endpoint.used(T0 + 60)] == [10, 10]
    assert endpoint.calls[10] >= T0 + 60  # the 11th waited for the window to reopen


def test_without_headers_calls_are_spaced_by_the_published_limit():
    clock = FakeClock()
    endpoint = WindowedEndpoint(clock, limit=5, window=10, origin=T0 - 3, headers=False)
    make_calls(Pacer(5, 10, clock), endpoint, 12, latency=0.3)
    assert endpoint.refused == 0
    starts = endpoint.calls
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 2.0 and max(gaps) < 2.01  # the latency is not added to the spacing
    for start in endpoint.calls:  # any 10-second stretch holds at most 5 calls
        assert sum(1 for when in endpoint.calls if start <= when < start + 10) <= 5


def test_calls_made_by_the_subscribers_other_apps_are_left_room_for():
    clock = FakeClock()
    endpoint = WindowedEndpoint(clock, limit=50, window=900, origin=T0)
    endpoint.calls = [T0] * 45  # another app used 45 of this window's 50
    make_calls(Pacer(50, 900, clock), endpoint, 45 + 20)
    assert endpoint.refused == 0
    assert endpoint.used(T0) == 50


def test_a_429_is_waited_out_and_nothing_is_called_before_the_retry_time():
    clock = FakeClock()
    pacer = Pacer(50, 900, clock)
    pacer.after_rate_limited(T0 + 120)
    pacer.wait_before_call()
    assert T0 + 120 <= clock.now < T0 + 121


def test_no_calls_left_means_waiting_for_the_reset():
    clock = FakeClock()
    pacer = Pacer(50, 900, clock)
    pacer.wait_before_call()
    pacer.after_call(RateLimit(limit=50, remaining=0, reset_at=T0 + 300))
    pacer.wait_before_call()
    assert T0 + 300 <= clock.now < T0 + 301


def test_stale_headers_fall_back_to_the_published_limit():
    clock = FakeClock()
    pacer = Pacer(4, 60, clock)
    pacer.wait_before_call()
    pacer.after_call(RateLimit(limit=4, remaining=0, reset_at=T0 - 5))  # already past
    pacer.wait_before_call()
    assert clock.now == pytest.approx(T0 + 15)


@pytest.mark.parametrize("pending", [1, 30, 49, 50, 51, 100, 333])
def test_the_estimated_finish_matches_the_real_one(pending):
    clock = FakeClock()
    endpoint = WindowedEndpoint(clock, limit=50, window=900, origin=T0 - 200)
    pacer = Pacer(50, 900, clock)
    make_calls(pacer, endpoint, 7)  # the job is under way, with headers
    estimate = pacer.estimated_finish(pending)

    make_calls(pacer, endpoint, 7 + pending)

    assert abs(estimate - endpoint.calls[-1]) <= 0.01 * (endpoint.calls[-1] - T0) + 1


def test_the_estimate_without_headers_and_with_nothing_pending():
    clock = FakeClock()
    pacer = Pacer(50, 900, clock)
    assert pacer.estimated_finish(0) == T0
    assert pacer.estimated_finish(101) == pytest.approx(T0 + 100 * 18)


def test_a_limit_must_allow_a_call():
    with pytest.raises(ValueError, match="at least one call"):
        Pacer(0, 900)
    with pytest.raises(ValueError, match="positive length"):
        Pacer(50, 0)
