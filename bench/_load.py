"""Running the election-day load: the private servers, locust headless on ``bench/locustfile.py``,
and what came of a run (rates, percentiles, errors, acknowledged writes that were lost).

Not a benchmark itself (bench/_*.py are helpers); ``election_day.py`` and ``faults.py`` use it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import _election_data
import _server
import _services
from sqlalchemy import select

from campaignkit.core.events.models import GOING, WAITLIST, Rsvp
from campaignkit.plugins.pledges.models import Signature

BENCH = Path(__file__).resolve().parent
LOCUST = Path(sys.executable).with_name("locust")


def arguments(
    description: str, seconds: float, users: int,
    more: Callable[[argparse.ArgumentParser], object] = lambda _parser: None,
) -> argparse.Namespace:  # fmt: skip
    """The options both scripts take; ``more(parser)`` adds a script's own."""
    parser = argparse.ArgumentParser(description=description)
    more(parser)
    parser.add_argument("--users", type=int, default=users, help="simulated supporters")
    parser.add_argument("--seconds", type=float, default=seconds, help="length of a load phase")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--events", type=int, default=21_000)
    parser.add_argument("--postcode-every", type=int, default=20,
                        help="import every N-th postcode of Code-Point Open")  # fmt: skip
    parser.add_argument("--postgres", metavar="ADMIN_URL",
                        help="a PostgreSQL server to use (a new database in it) instead of a "
                             "private cluster")  # fmt: skip
    parser.add_argument("--redis-url", help="a Redis database to use instead of a private server")
    return parser.parse_args()


@dataclass
class Stack:
    """A running site: its data, servers and (private) services."""

    site: _election_data.Site
    servers: list[_election_data.Server]
    data_file: Path
    folder: Path
    postgres: _services.PrivatePostgres | None
    redis: _services.PrivateRedis | None

    @property
    def hosts(self) -> list[str]:
        """The servers' base URLs."""
        return [server.base for server in self.servers]


@contextmanager
def stack(args: argparse.Namespace) -> Iterator[Stack]:
    """Private PostgreSQL and Redis (unless given), the site on them and its servers."""
    with ExitStack() as stop:
        postgres = redis = None
        started = time.monotonic()
        if args.postgres:  # a new database, dropped afterwards
            database_url = stop.enter_context(_server.bench_database(args.postgres))
        else:  # the cluster goes afterwards, its database with it
            postgres = _services.PrivatePostgres()
            stop.callback(postgres.remove)
            database_url = postgres.new_database("campaign")
        redis_url = args.redis_url
        if not redis_url:
            redis = _services.PrivateRedis()
            stop.callback(redis.stop)
            redis_url = redis.url
        folder = Path(stop.enter_context(tempfile.TemporaryDirectory()))
        site = _election_data.build_site(folder, database_url, redis_url, args.events,
                                         args.postcode_every)  # fmt: skip
        _election_data.progress(f"site built in {time.monotonic() - started:.0f} s")
        servers = _election_data.start_servers(site, args.servers, args.workers, args.threads)
        _election_data.progress(f"{len(servers)} servers up")
        for server in servers:
            stop.callback(server.stop)
        data_file = folder / "load-data.json"
        data_file.write_text(json.dumps({
            "postcodes": site.postcodes, "districts": site.districts,
            "event_ids": site.event_ids, "rsvp_event_ids": site.rsvp_event_ids,
        }))  # fmt: skip
        yield Stack(site, servers, data_file, folder, postgres, redis)


def start_locust(run: Stack, user_class: str, users: int, label: str):  # noqa: ANN201
    """Start locust headless in the background and wait until all its users run; returns
    (process, outcomes file). It runs until ``stop_locust``: locust's own ``--run-time``
    timer can fire early when the machine is so busy that its start-up took long."""
    out = run.folder / f"outcomes-{label}.json"
    log_path = run.folder / f"locust-{label}.log"
    environ = {**os.environ, "CK_LOAD_HOSTS": ",".join(run.hosts),
               "CK_LOAD_DATA": str(run.data_file), "CK_LOAD_OUT": str(out)}  # fmt: skip
    command = [str(LOCUST), "-f", str(BENCH / "locustfile.py"), "--headless",
               "--users", str(users), "--spawn-rate", str(users), "--stop-timeout", "10",
               "--only-summary", "--loglevel", "INFO", user_class]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "All users spawned" not in log_path.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"locust stopped:\n{log_path.read_text()}")
        time.sleep(0.1)
    return process, out


def stop_locust(process: subprocess.Popen, out: Path) -> dict:
    """Stop locust (SIGTERM: it stops its users and writes the outcomes); returns them."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)
    if not out.exists():
        raise SystemExit(f"locust wrote no outcomes (exit {process.returncode})")
    return json.loads(out.read_text())


def run_locust(run: Stack, user_class: str, users: int, seconds: float, label: str) -> dict:
    """One locust run of ``seconds`` once its users run: its outcomes."""
    process, out = start_locust(run, user_class, users, label)
    time.sleep(seconds)
    return stop_locust(process, out)


def rate(outcomes: dict) -> float:
    """Requests per second, over the time from the first request to the last."""
    first, last = outcomes["span"]
    return total_requests(outcomes) / max(last - first, 1e-9)


def merged(runs: list[dict]) -> dict:
    """The outcomes of several runs as one."""
    total: dict = {"times": {}, "hosts": {}, "signatures": [], "rsvps": [], "failures": {},
                   "span": [0.0, 0.0]}  # fmt: skip
    for outcomes in runs:
        for name, times in outcomes["times"].items():
            total["times"].setdefault(name, []).extend(times)
        for what, count in outcomes["failures"].items():
            total["failures"][what] = total["failures"].get(what, 0) + count
        for host, seconds in outcomes["hosts"].items():
            total["hosts"].setdefault(host, {}).update(seconds)
        total["signatures"] += outcomes["signatures"]
        total["rsvps"] += outcomes["rsvps"]
        total["span"][1] += outcomes["span"][1] - outcomes["span"][0]  # summed durations
    return total


def percentile(ordered: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted samples lie (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def total_requests(outcomes: dict) -> int:
    """How many requests a run made."""
    return sum(len(times) for times in outcomes["times"].values())


def print_kinds(outcomes: dict) -> None:
    """One line per kind of request: share, rate and p50/p95/p99 in ms."""
    total = total_requests(outcomes)
    seconds = outcomes["span"][1] - outcomes["span"][0]
    print(f"  {'kind':38} {'share':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}")
    for name, times in sorted(outcomes["times"].items(), key=lambda item: -len(item[1])):
        ordered = sorted(times)
        print(f"  {name:38} {len(times) / total:6.1%} {len(times) / seconds:7.1f}"
              f" {percentile(ordered, .5):7.1f} {percentile(ordered, .95):7.1f}"
              f" {percentile(ordered, .99):7.1f}")  # fmt: skip


def errors(outcomes: dict) -> int:
    """How many requests failed."""
    return sum(outcomes["failures"].values())


def print_errors(outcomes: dict, limit: int = 8) -> None:
    """The failures, most frequent first."""
    for what, count in sorted(outcomes["failures"].items(), key=lambda item: -item[1])[:limit]:
        print(f"    {count:6} x {what}")


def lost_writes(run: Stack, outcomes: dict) -> tuple[int, int, int, int]:
    """(signatures acknowledged, of them not stored, RSVPs acknowledged, of them not held)."""
    with _server.stored_data(run.site.instance) as session:
        stored = set(session.scalars(select(Signature.email)))
        held = set(session.execute(
            select(Rsvp.event_id, Rsvp.email).where(Rsvp.status.in_((GOING, WAITLIST)))
        ).tuples())  # fmt: skip
    signed = set(outcomes["signatures"])
    rsvps = {(event_id, email) for event_id, email in outcomes["rsvps"]}
    return len(signed), len(signed - stored), len(rsvps), len(rsvps - held)
