"""What the fuzzer saw: requests and server errors per route, the keys each view reads, failures.

The terminal summary (``conftest.py``) prints ``STATS`` as a table. ``READ``
collects the query and form keys a view asked for during a request, so the
fuzzer learns each route's parameters from the app itself (a new parameter is
fuzzed without anyone listing it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from werkzeug.datastructures import ImmutableMultiDict

#: (route, backend) -> Counter with "requests" and "5xx".
STATS: defaultdict[tuple[str, str], Counter] = defaultdict(Counter)
#: Keys the view read from the query string or the form in the current request.
READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """Query string or form fields that note which keys the view asked for."""

    def __getitem__(self, key):  # noqa: ANN001, ANN204
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: ANN001, ANN201, A002
        """The first value for a key (noted)."""
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: ANN001, ANN201, A002
        """Every value for a key (noted)."""
        READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):  # noqa: ANN001, ANN204
        READ.add(key)
        return super().__contains__(key)


@dataclass
class Failure:
    """One server error or one refused request that stored something, with its input."""

    route: str
    backend: str
    persona: str
    request: str
    outcome: str
    seen: int = 1

    def __str__(self) -> str:
        times = f" (seen {self.seen}x)" if self.seen > 1 else ""
        where = f"[{self.backend}] {self.route} as {self.persona}"
        return f"{where}: {self.outcome}{times}\n    {self.request}"


class Failures:
    """Distinct failures of one route: the first input per kind of failure is kept."""

    def __init__(self) -> None:
        self.found: dict[str, Failure] = {}

    def add(self, kind: str, failure: Failure | None) -> None:
        """Keep the failure unless the same kind was already seen (then count it)."""
        if kind in self.found:
            self.found[kind].seen += 1
        else:
            self.found[kind] = failure

    def report(self) -> str:
        """Every distinct failure, one paragraph each."""
        return "\n".join(str(f) for f in self.found.values())
