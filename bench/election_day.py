"""Benchmark: an election-day load test with locust against two servers on PostgreSQL and Redis.

Starts a private PostgreSQL cluster and a private redis-server on free ports (or uses
``--postgres ADMIN_URL`` / ``--redis-url``), builds a UK-kit instance on them with real data
(650 seats, the 2024 results, every 20th postcode of Code-Point Open from
``../shared/data/uk`` when present, ~21,000 events over eight weeks, an open pledge), and
starts two ``campaignkit serve`` processes (two workers each). Then it runs locust headless
(``bench/locustfile.py``) with the same simulated users spread over both servers: first on
the bare route (``/healthz``), then the polling-week mix (60% seat finder and
``/api/v1/marginals/nearest``, 20% events near a postcode, 10% event pages, 8% pledge
signing, 2% RSVPs). Prints requests per second as a ratio to the bare route, p50/p95/p99 of
each kind, the errors (must be 0) and the acknowledged signatures and RSVPs missing from the
database afterwards (must be 0).

    python -u bench/election_day.py [--users 32] [--seconds 40] [--postgres ADMIN_URL]

Needs the ``bench`` extra (``pip install -e '.[bench]'``: locust). ``bench/faults.py`` runs
the same load while Redis, PostgreSQL and one server fail.
"""

from __future__ import annotations

import sys

import _load
import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)

#: Seconds of the mix run first to fill caches and connection pools (not measured).
WARM_UP_S = 5


def main() -> int:
    """Run the load test and print the figures; exit 1 when a request failed or a write was lost."""
    args = _load.arguments(__doc__.splitlines()[0], seconds=40, users=32, more=lambda parser: (
        parser.add_argument("--rounds", type=int, default=2,
                            help="bare and mix phases take turns this many times")))  # fmt: skip
    with _load.stack(args) as run:
        _load.run_locust(run, "Supporter", args.users, WARM_UP_S, "warm-up")
        bares, mixes = [], []
        for number in range(args.rounds):  # taking turns, so a busy moment hits both alike
            part = args.seconds / args.rounds
            bares.append(_load.run_locust(run, "Bare", args.users, part, f"bare{number}"))
            mixes.append(_load.run_locust(run, "Supporter", args.users, part, f"mix{number}"))
        bare, mix = _load.merged(bares), _load.merged(mixes)
        signed, lost_signatures, rsvps, lost_rsvps = _load.lost_writes(run, mix)
    bare_rate, mix_rate = _load.rate(bare), _load.rate(mix)
    print(f"{args.servers} servers x {args.workers} workers x {args.threads} threads on PostgreSQL"
          f" + Redis; {args.users} users, {args.seconds:g} s a phase in {args.rounds} turns,"
          f" {args.events} events, {len(run.site.postcodes)} postcodes")  # fmt: skip
    print(f"bare route (/healthz): {bare_rate:.0f} req/s, {_load.errors(bare)} errors")
    print(f"polling-week mix: {mix_rate:.0f} req/s, ratio to the bare route"
          f" {mix_rate / bare_rate:.2f}")  # fmt: skip
    _load.print_kinds(mix)
    failed = _load.errors(mix) + _load.errors(bare)
    print(f"errors: {failed}")
    _load.print_errors(_load.merged([bare, mix]))
    print(f"pledge signatures acknowledged {signed}, lost {lost_signatures}; "
          f"RSVPs acknowledged {rsvps}, lost {lost_rsvps}")  # fmt: skip
    return 1 if failed or lost_signatures or lost_rsvps else 0


if __name__ == "__main__":
    sys.exit(main())
