"""Rate limits of the fake Bluesky PDS, as Bluesky publishes them for its own PDS.

Every request counts against a global 3,000 per 5 minutes (per IP; here every client is
127.0.0.1). Record writes cost points per account: create 3, update 2, delete 1, summed over
the writes of an applyWrites; 5,000 an hour and 35,000 a day. createSession is limited per
identifier: 30 per 5 minutes, 300 a day. A window opens at the first request after the last
one closed (as the reference PDS's limiter does) and lasts `window * scale` seconds of the
fake's clock, so a test can shrink an hour, or move the clock past it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fake_bluesky_methods import XrpcError

#: Write points per record operation, as Bluesky's PDS counts them.
WRITE_POINTS = {
    "com.atproto.repo.createRecord": 3,
    "com.atproto.repo.putRecord": 2,
    "com.atproto.repo.deleteRecord": 1,
    "com.atproto.repo.applyWrites#create": 3,
    "com.atproto.repo.applyWrites#update": 2,
    "com.atproto.repo.applyWrites#delete": 1,
}


@dataclass(frozen=True)
class Policy:
    """A rate limit: so many points per window (in seconds, before `scale`)."""

    name: str
    points: int
    window: float


@dataclass
class RateLimits:
    """The policies in force and the open windows, keyed by policy and account."""

    scale: float = 1.0
    everything: Policy = Policy("global", 3000, 300)
    writes: list[Policy] = field(
        default_factory=lambda: [
            Policy("repo-write-hour", 5000, 3600),
            Policy("repo-write-day", 35000, 86400),
        ]
    )
    sessions: list[Policy] = field(
        default_factory=lambda: [Policy("session-5m", 30, 300), Policy("session-day", 300, 86400)]
    )
    windows: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def charge(self, nsid: str, params: dict, did: str | None, now: float) -> dict:
        """Spend points on every limit that applies, or raise 429 spending none.

        Returns the `ratelimit-*` headers of the limit with the fewest points left.
        """
        costs = [(self.everything, "127.0.0.1", 1)]
        if nsid == "com.atproto.server.createSession":
            identifier = str(params.get("identifier", "")).lower()
            costs += [(policy, identifier, 1) for policy in self.sessions]
        points = WRITE_POINTS.get(nsid, 0)
        if nsid == "com.atproto.repo.applyWrites" and isinstance(params.get("writes"), list):
            points = sum(WRITE_POINTS.get(write.get("$type", ""), 0) for write in params["writes"])
        if points and did:
            costs += [(policy, did, points) for policy in self.writes]
        opened = []
        for policy, key, cost in costs:
            window = self.windows.get((policy.name, key))
            if window is None or now >= window[0]:
                window = self.windows[(policy.name, key)] = [now + policy.window * self.scale, 0]
            opened.append((policy, window, cost))
            if window[1] + cost > policy.points:
                headers = self._headers(policy, window)
                raise XrpcError(429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
        for _policy, window, cost in opened:
            window[1] += cost
        policy, window, _cost = min(opened, key=lambda item: item[0].points - item[1][1])
        return self._headers(policy, window)

    def _headers(self, policy: Policy, window: list[float]) -> dict:
        return {
            "ratelimit-limit": str(policy.points),
            "ratelimit-remaining": str(int(policy.points - window[1])),
            "ratelimit-reset": str(math.ceil(window[0])),
            "ratelimit-policy": f"{policy.points};w={max(1, round(policy.window * self.scale))}",
        }
