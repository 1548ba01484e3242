"""Fault runs: the election-day load (``bench/election_day.py``) while a part of the site fails.

On private servers only (a PostgreSQL cluster and a redis-server of its own, see
``_services``), with two ``campaignkit serve`` processes, three runs under locust load:

(a) ``redis``: Redis is stopped for a few seconds, then started again (empty, as after a
    restart without persistence);
(b) ``postgres``: PostgreSQL is stopped (fast shutdown, every session ended) and started again;
(c) ``kill``: one server and its workers get SIGKILL; it is started again afterwards.

Meanwhile ``/healthz`` of each server is asked five times a second. For each run it prints
and checks: what ``/healthz`` said while the part was down (503 naming it) and how soon it
said 200 again; that the other server kept answering (c); that the servers' workers are the
same processes afterwards (they reconnected, nobody restarted them) and requests succeed
again; and that every pledge signature and RSVP that got a success answer is in the
database. Exits 1 when a check fails.

    python -u bench/faults.py [--users 24] [--seconds 10] [--only redis,postgres,kill]

Each run loads the site for 8 s, causes the fault (the part stays down 5 s), waits until
``/healthz`` says 200 on every server again, and keeps the load on for ``--seconds`` more.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

import _load
import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import _server

#: When the fault starts after the load does, and how long the part stays down (seconds).
FAULT_AT_S, OUTAGE_S = 8.0, 5.0
#: How long to wait for /healthz to say 200 again on every server (seconds).
RECOVERY_LIMIT_S = 90.0
#: After /healthz is green again, how long requests may still fail (in-flight ones).
GRACE_S = 2.0


class Prober(threading.Thread):
    """Asks each server's /healthz every 0.2 s: [(time answered, server, status, failing
    parts, time asked)]; status 0 when it did not answer (refused, or not within 10 s)."""

    def __init__(self, hosts: list[str]) -> None:
        super().__init__(daemon=True)
        self.hosts, self.samples, self.done = hosts, [], threading.Event()

    def run(self) -> None:
        """Probe until told to stop."""
        while not self.done.wait(0.2):
            for number, host in enumerate(self.hosts):
                parts, asked = urlsplit(host), time.time()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                try:
                    connection.request("GET", "/healthz")
                    response = connection.getresponse()
                    failing = json.loads(response.read()).get("failing", [])
                    self.samples.append((time.time(), number, response.status, failing, asked))
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    self.samples.append((time.time(), number, 0, [type(exc).__name__], asked))
                finally:
                    connection.close()


def requests_between(outcomes: dict, host: str, start: float, end: float) -> tuple[int, int]:
    """(succeeded, failed) requests to one server in [start, end)."""
    seconds = outcomes["hosts"].get(urlsplit(host).netloc, {})
    counts = [value for second, value in seconds.items() if start <= int(second) < end]
    return sum(ok for ok, _ in counts), sum(failed for _, failed in counts)


def recovered_at(samples: list, servers: int, since: float) -> float | None:
    """When /healthz said 200 on every server after ``since``, each after its last other
    answer so far (None: not yet)."""
    times = []
    for number in range(servers):
        mine = [sample for sample in samples if sample[1] == number and sample[0] >= since]
        bad = [sample[0] for sample in mine if sample[2] != 200]
        good = [
            sample[0] for sample in mine if sample[2] == 200 and (not bad or sample[0] > bad[-1])
        ]
        if not good:
            return None
        times.append(good[0])
    return max(times)


def cause(run: _load.Stack, fault: str) -> tuple[str, int | None, float, float]:
    """Break the part, wait, bring it back: (the part /healthz should name, the server killed
    or None, when it was down, when it was back)."""
    if fault == "redis":
        run.redis.stop()
        down_at = time.time()
        time.sleep(OUTAGE_S)
        run.redis.start()
        return "redis", None, down_at, time.time()
    if fault == "postgres":
        run.postgres.stop("fast")
        down_at = time.time()
        time.sleep(OUTAGE_S)
        run.postgres.start()
        return "database", None, down_at, time.time()
    run.servers[0].kill()
    down_at = time.time()
    time.sleep(OUTAGE_S)
    run.servers[0].start()
    return "", 0, down_at, time.time()


def fault_run(run: _load.Stack, fault: str, users: int, seconds: float) -> bool:
    """One run under load with one fault; prints what happened, returns whether all checks pass."""
    workers_before = [set(_server.worker_pids(server.process.pid)) for server in run.servers]
    prober = Prober(run.hosts)
    prober.start()
    process, out = _load.start_locust(run, "Supporter", users, fault)
    started = time.time()
    time.sleep(FAULT_AT_S)
    part, killed, down_at, back_at = cause(run, fault)
    give_up, recovered = time.time() + RECOVERY_LIMIT_S, None
    while time.time() < give_up and recovered is None:
        time.sleep(0.2)
        recovered = recovered_at(list(prober.samples), len(run.hosts), back_at)
    time.sleep(seconds)  # load on the recovered site
    outcomes = _load.stop_locust(process, out)
    prober.done.set()
    prober.join()
    end = time.time()
    checks: dict[str, bool] = {}
    print(f"({fault}) down {back_at - down_at:.1f} s from {down_at - started:.0f} s"
          f" into the run; {_load.total_requests(outcomes)} requests, {_load.errors(outcomes)}"
          " failed")  # fmt: skip
    # Probes asked once the part was down and answered well before its start command
    # returned: that command returns only after the part is up again (pg_ctl -w polls),
    # so answers in its last half second may rightly find it up; and a busy server may
    # answer a probe it checked before the stop only later.
    during = [
        s for s in prober.samples if down_at <= s[4] and s[0] < back_at - 0.5 and s[1] != killed
    ]
    if part:  # a probe the busy server did not answer in time says nothing either way
        answered = [s for s in during if s[2]]
        named = [s for s in answered if s[2] == 503 and part in s[3]]
        said = sorted({f"{s[2]} {s[3]}" for s in during})
        print(f"    /healthz while down: {', '.join(said)} ({len(named)}/{len(answered)} answers"
              f" named {part})")  # fmt: skip
        for sample in (s for s in answered if s not in named):
            print(f"    /healthz said {sample[2]} {sample[3]} {back_at - sample[0]:.2f} s before"
                  " the part was back")  # fmt: skip
        checks[f"/healthz said 503 naming {part}"] = bool(named) and len(named) == len(answered)
    meanwhile = sorted({f"{s[2]} {s[3]}" for s in prober.samples
                        if back_at <= s[0] < (recovered or end) and s[2] != 200})  # fmt: skip
    if meanwhile:
        print(f"    /healthz until then: {', '.join(meanwhile)}")
    if recovered is None:
        print("    /healthz never said 200 again on every server")
        checks["/healthz recovered"] = False
    else:
        print(f"    /healthz 200 on every server {recovered - back_at:.1f} s after it came back")
        checks["/healthz recovered"] = True
    settled = (recovered or back_at) + GRACE_S
    for number, host in enumerate(run.hosts):
        before = requests_between(outcomes, host, 0, int(down_at))
        while_down = requests_between(outcomes, host, int(down_at), back_at)
        after = requests_between(outcomes, host, settled, end + 1)
        print(f"    server {number}: ok/failed before {before[0]}/{before[1]}, while down"
              f" {while_down[0]}/{while_down[1]}, after {after[0]}/{after[1]}")  # fmt: skip
        checks[f"server {number} answers afterwards"] = after[0] > 0 and after[1] == 0
        if killed is not None and number != killed:
            checks[f"server {number} kept answering"] = while_down[0] > 0 and while_down[1] == 0
        if number != killed:
            same = (
                set(_server.worker_pids(run.servers[number].process.pid)) == workers_before[number]
            )
            checks[f"server {number} kept its workers"] = same
    _load.print_errors(outcomes, limit=6)
    signed, lost_signatures, rsvps, lost_rsvps = _load.lost_writes(run, outcomes)
    print(f"    acknowledged: {signed} signatures ({lost_signatures} lost), {rsvps} RSVPs"
          f" ({lost_rsvps} lost)")  # fmt: skip
    checks["nothing acknowledged lost"] = lost_signatures == 0 and lost_rsvps == 0
    for what, passed in checks.items():
        print(f"    {'ok  ' if passed else 'FAIL'} {what}")
    return all(checks.values())


def main() -> int:
    """Run the chosen fault runs and print each one's outcome."""
    args = _load.arguments(__doc__.splitlines()[0], seconds=10, users=24, more=lambda parser: (
        parser.add_argument("--only", default="redis,postgres,kill",
                            help="which faults, comma-separated")))  # fmt: skip
    if args.postgres or args.redis_url:
        raise SystemExit("fault runs restart their servers: use the private ones (no --postgres"
                         " or --redis-url)")  # fmt: skip
    results = {}
    with _load.stack(args) as run:
        _load.run_locust(run, "Supporter", args.users, 5, "warm-up")
        for fault in args.only.split(","):
            results[fault] = fault_run(run, fault, args.users, args.seconds)
    print(
        "outcome: " + ", ".join(f"{f} {'passed' if ok else 'FAILED'}" for f, ok in results.items())
    )
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
