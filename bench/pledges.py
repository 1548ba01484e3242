"""Benchmark: 64 concurrent clients signing a pledge over HTTP against ``campaignkit serve``.

Builds a throwaway instance (SQLite unless ``--postgres ADMIN_URL`` is given),
opens a pledge with double opt-in off and a rate limit out of the way, starts
the production server (gunicorn) and, from 64 threads each keeping its own
connection, session cookie and CSRF token, first GETs ``/healthz`` (a bare
route) for ``--seconds``, then signs with unique addresses for ``--seconds``.
Prints signatures per second, the ratio to the bare route (target >= 0.5),
errors, and the lost (acknowledged but not stored) and duplicated (counted
more than once) signatures, which must both be 0.

    python bench/pledges.py [--clients 64] [--seconds 10] [--workers 2] [--postgres ADMIN_URL]

Why runs of different lengths score differently (measured on a 2-core machine that was
shared with other work, so every figure moved from run to run):

- A fixed start-up cost, paid inside the timed part: the first signature in each
  worker geocodes, which loads the kit's tables (seats, results, postcode districts
  and sectors: 142 ms of CPU and 0.5 s of wall time in one process, more when a
  worker's threads race to load them at once). Every client waits behind it, so
  nothing is signed in the first one or two seconds (signatures per second of one
  10 s run: 0, 1, 34, 17, 88, 99, 54, 45, 111, 136). It weighs on short runs most:
  the same tree gave 0.11 in 5 s and 0.38 in 10 s back to back.
- What grows with time and was ruled out as a cost: the count (one
  ``UPDATE ... RETURNING`` per batch of signatures, so one locked row per batch, not
  per signature); the limiter's counters (every client is 127.0.0.1: one key, one
  row); dead rows (signing only inserts, and one row is updated per batch).
- The write-ahead log: about 31 KB per single-signature commit (signature, its two
  indexes, the consent record and its index, the pledge row). The 1000-page
  automatic checkpoint (4 MB) then runs every ~130 commits, inside a commit that
  holds the write lock, so 10 s runs include checkpoints and short ones few or none.
  In one process, CPU per signature stays flat (5.82 ms for signatures 50-750, 5.65 ms
  for 750-1500) but the slow tail grows (p99 118 -> 152 ms, max 229 -> 347 ms; with
  checkpoints off: p99 107 -> 96 ms, max 190 -> 212 ms). Checkpoints cost latency
  under the lock, not CPU per signature; the ratio follows the CPU per request
  (printed below), so they move it little.

Where a signature's time goes (same kind of machine; the bare route alone moved between
822 and 1,541 requests/s from run to run, so only large effects can be told apart):

- In one thread without a server (Flask's test client), a signature costs 2.0-2.2 ms of
  CPU and ``/healthz`` 0.56-0.69 ms. The write (one transaction: the pledge, the signature,
  its consent record, the count) is about 0.55 ms at one signature per transaction,
  0.35 ms at two and 0.2 ms at four. The rest of the difference is spread over a dozen
  steps of 50-160 us each: the CSRF check, the session cookie, the email check, the
  rate-limit count, the postcode lookup, reading the form, the redirect.
- Under this load, batches hold 1.7 signatures on average (of 2,581 batches: 1,261 of one,
  747 of two, 547 of three, 26 of four).
- With the write replaced by nothing, signing scores 0.62-0.63 (1.8-2.0 ms of server CPU
  per signature), so the write costs about 1.2 ms per signature under load, about three
  times its cost in one thread. Replaced by a 0.4 ms sleep under the write lock (no CPU
  at all), signing still takes 2.5-2.7 ms of CPU per signature: threads waiting for the
  write turn cost CPU in switches and wake-ups, beyond the SQL itself.
- Tried without a change beyond that spread: the write on a Core connection with one
  multi-row insert per batch (10-18% less CPU for the write at two to four signatures,
  none at one; three interleaved pairs of runs gave the same rate); the rate limiter off;
  the interpreter's switch interval at 1, 20 or 100 ms, or at 0.5 ms only while the
  write lock is held; taking the batch only once the database's lock is held (2.1
  signatures per batch instead of 1.7); the pledge not read again in every batch; one
  writer thread per worker that the request threads hand their signatures to and wait
  on (517-569 signatures/s, 3.0-3.3 ms of CPU each: the same as the group commit).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import _server
from sqlalchemy import func, select

from campaignkit.plugins.pledges.models import Pledge, Signature

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def join(client: _server.Client, _number: int) -> dict:
    """Open the pledge page as a new visitor, for a session and its CSRF token."""
    client.request("GET", "/pledges/bench")
    client.token = CSRF.search(client.request("GET", "/pledges/bench")[1]).group(1)
    return {"number": _number, "signed": 0}


def sign(client: _server.Client, state: dict) -> tuple[bool, str]:
    """Sign once with a new address."""
    state["signed"] += 1
    email = f"c{state['number']}-{state['signed']}@example.org"
    form = {"csrf_token": client.token, "name": "Bench Signer", "email": email,
            "postcode": "SW1A 1AA", "consent": "yes"}  # fmt: skip
    return client.request("POST", "/pledges/bench/sign", urlencode(form))[0] == 303, email


def make_instance(folder: Path, database_url: str | None) -> Path:
    """A new instance with the pledges plugin, a pledge 'bench' and no signing limit."""
    settings = {"pledges": {"double_opt_in": False, "sign_rate": "1000000 per minute"}}
    path, app = _server.new_instance(folder, settings, database_url)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Pledge(slug="bench", title="Bench", text="I pledge.", goal=1_000_000,
                           status="open", signed_count=0, share_text="",
                           created_at=datetime.now(UTC)))  # fmt: skip
    app.extensions["campaignkit"].database.dispose()
    return path


def main() -> None:
    """Run the benchmark and print the figures."""
    args = _server.load_arguments(__doc__.splitlines()[0])
    with _server.running(args, make_instance) as run:
        cpu_start = _server.workers_cpu_seconds(run.server.pid)
        bare_ok, bare_errors, _ = run.phase(_server.bare, join)
        cpu_bare = _server.workers_cpu_seconds(run.server.pid)
        signed, errors, acknowledged = run.phase(sign, join)
        cpu_sign = _server.workers_cpu_seconds(run.server.pid)
        run.stop()
        with _server.stored_data(run.instance) as session:
            stored = set(session.scalars(select(Signature.email)))
            rows = session.scalar(select(func.count()).select_from(Signature))
            counted = session.scalar(select(Pledge.signed_count))
    bare_rate = _server.print_setup(args, bare_ok, bare_errors)
    sign_rate = signed / args.seconds
    print(f"signing: {sign_rate:.0f} signatures/s, {errors} errors")
    print(f"ratio signing/bare: {sign_rate / bare_rate:.2f} (target >= 0.5)")
    bare_cpu = (cpu_bare - cpu_start) / max(bare_ok, 1) * 1000
    sign_cpu = (cpu_sign - cpu_bare) / max(signed, 1) * 1000
    print(f"server CPU per request: bare {bare_cpu:.2f} ms, signing {sign_cpu:.2f} ms"
          f" (ratio {bare_cpu / sign_cpu if sign_cpu else 0:.2f})")  # fmt: skip
    print(f"lost: {len(set(acknowledged) - stored)}, duplicated: {max(0, counted - len(stored))}"
          f" (rows {rows}, count {counted})")  # fmt: skip


if __name__ == "__main__":
    main()
