"""Benchmark: 64 concurrent clients signing a pledge over HTTP against ``campaignkit serve``.

Builds a throwaway instance (SQLite unless ``--postgres ADMIN_URL`` is given),
opens a pledge with double opt-in off and a rate limit out of the way, starts
the production server (gunicorn) and, from 64 threads each keeping its own
connection, session cookie and CSRF token, alternates between GETting
``/healthz`` (a bare route) and signing with unique addresses: after an untimed
second of each, ``--rounds`` turns of each (default 5), ``--seconds`` of each in
all. Prints signatures per
second, the ratio to the bare route over the whole run (target >= 0.5) and
turn by turn, errors, and the lost (acknowledged but not stored) and
duplicated (counted more than once) signatures, which must both be 0.

    python bench/pledges.py [--clients 64] [--seconds 10] [--rounds 5] [--workers 2]
                            [--postgres ADMIN_URL]

Why the phases alternate, and why runs of different lengths used to score differently
(measured on a 2-core machine shared with other work; every figure moved from run to run):

- Not a cost that grows during a run. Signatures per second, second by second, stay flat
  (one 10 s run: 436, 509, 518, 462, 505, 505, 542, 502, 564, 518), and a worker warms up
  before it is timed (its tables are loaded at start-up). The database grows by about
  300 KB/s and its write-ahead log stays near its 4 MB checkpoint size.
- What moves is the machine. The bare route's rate moved between 730 and 1,390 requests
  a second from one second to the next, and its server CPU per request between 1.37 and
  2.09 ms from one run to the next, with no change to the code; signing moved less
  (3.1-3.6 ms). When the bare phase ran once and then signing once, each sampled its own
  stretch of that drift, so the ratio was chance: four runs of one tree scored 0.53 and
  0.47 at 5 s, 0.43 and 0.59 at 10 s. Alternating short turns puts both phases on the
  same stretches of the machine; the turn-by-turn ratios printed show the spread that
  remains (for example 0.41-0.60 within one 10 s SQLite run whose whole ratio was 0.52).
  (Before workers warmed up at start-up, the first signature in each worker loaded the
  kit's tables inside the timed part, which weighed on short runs most.)
- Part of it was the count. Each turn counted every client's last request, which ends
  after the turn does: 64 extra requests a turn, for the server is busy from the turn's
  first moment. That adds more to signing's rate than to the bare route's, and more the
  shorter the turns: about 5% to the ratio in 1 s turns (5 s runs), 2.6% in 2 s turns
  (10 s runs). Now only requests that end within their turn count. Afterwards, in one
  series: 0.48 for 10 s in 2 s turns, 0.52 and 0.51 for 5 s, 0.51 for 10 s in 1 s turns
  (``--rounds 10``); single turns spread from 0.39 to 0.61.

Where a signature's time goes:

- In one thread without a server (Flask's test client, fastest of seven rounds of 300),
  a signature cost 2.05-2.26 ms of CPU with the write through the ORM and 1.37-1.47 ms
  with prepared statements on the driver's cursor (``driver_write``); ``/healthz`` costs
  0.58-0.65 ms. The write itself went from 1.2-1.3 ms to 0.35-0.6 ms inside a request:
  the SQL is under 0.1 ms, the rest was the ORM session and Core's execution.
- Under load the server adds about 0.9 ms of CPU to every request (gunicorn's parsing, its
  access log, the keep-alive poller) and signing pays about 0.8 ms more than the bare route
  for waiting its turn (thread and process hand-offs around the write and the rate-limit
  count). Server CPU per signature went from 3.8-4.4 ms to 3.1-3.6 ms.
- A batch's consent rows went to PostgreSQL through psycopg's ``executemany``, which runs a
  pipeline: about 100 us of Python per signature under load. One multi-row ``INSERT``
  (``PreparedInsert``) costs a single ``execute``. Over four runs, the printed CPU ratio
  (the bare route's server CPU per request over a signature's) went from 0.51 to
  0.53-0.58, and signing from 0.48 to 0.50-0.54 of the bare route's rate (counted the
  earlier way, see above).
- On PostgreSQL the rate ratio stays 0.03-0.07 below the CPU ratio: each round trip
  also costs a PostgreSQL backend CPU on the same cores, and a signature made about 3.5
  of them (batches average about 2 signatures). A pledge's signatures and its count now
  go in one statement of data-modifying CTEs (``_sign_and_count`` in the plugin): a
  batch makes 5 round trips (BEGIN, the pledge, the signatures and count, the consents,
  COMMIT) instead of 5 plus one per signature. The CPU ratio went from 0.49-0.54 to
  0.53-0.58 in four runs each; the rate ratio from 0.42-0.48 to 0.46-0.51, on a machine
  whose bare route's CPU per request moved between 1.5 and 2.0 ms meanwhile.
- Rate-limit counts on SQLite used to wait for the file's write lock in SQLite's polling
  sleeps; they now queue on a lock file: of six alternating pairs of runs, signing cost
  1.80 times the bare route's CPU with the lock file against 2.07 times without.
- Tried without a change beyond the spread: one kept write connection per worker (so its
  page cache survives between writes), the interpreter's switch interval at 1, 20 or
  100 ms, taking the batch only once the database's lock is held, and one writer thread
  per worker that the request threads hand their signatures to. Also, in alternating
  pairs of runs: SQLite's checkpoints moved out of the writers' turns into a background
  thread (five pairs: ratios 0.44-0.55 against 0.49-0.61 as is; under constant writes its
  log grew to 48-140 MB), and psycopg's pipeline mode, which saves two of the six round trips to
  PostgreSQL but cost more Python than it saved (three pairs: 0.45-0.49 against 0.50-0.52).
- The thank-you note used to go in the session, so every signature made Flask sign and send
  the whole session cookie again (and every later request carried it, larger). It is now a
  signed cookie of its own, sent only to that pledge's thank-you page (``set_signed_cookie``
  in core). Three alternating pairs of runs on SQLite: 0.51-0.52 before, 0.54-0.56 after (CPU
  ratio 0.51-0.53 before, 0.55-0.57 after); two on PostgreSQL: 0.45 and 0.49 before, 0.52 and
  0.50 after.
- On PostgreSQL a batch went from 5 round trips to 1, in three steps of three alternating pairs
  each. The pledge's open check joined the statement that inserts and counts: 0.51-0.52
  before, 0.52-0.57 after. The consent records joined it too (core's ``consents_insert``):
  0.51-0.55 before, 0.48-0.66 after, no clear change on a machine whose bare route moved
  from 1.3 to 3.7 ms of CPU per request meanwhile. Then a batch for one pledge became that
  statement alone, its own transaction (``driver_write(one_statement=True)``, the threshold
  noted inside it): no BEGIN or COMMIT, and the lock on the pledge's row ends with the
  statement instead of two round trips later. 0.48-0.57 before, 0.57-0.70 after.
- Where a signing worker's CPU goes under load (perf): the interpreter 74%, the kernel 17%,
  SQLite 4%. Within the interpreter (py-spy, ``--gil``), gunicorn's own handling is about a
  fifth, as for the bare route; the signature's write about 14%; the form's parsing and CSRF
  check 9%; nothing else of signing's own over 5%. Each part that is left is a library doing
  its job (CSRF, the email check, the rate-limit count), not a cost to remove.
- Tried and dropped: SQLite's ``mmap_size`` (256 MB for the database, 64 MB for the
  rate-limit file), so reads after another worker's commit map pages instead of reading
  them: three alternating pairs scored 0.42-0.48 against 0.54-0.59 without it. Also
  grouping a worker's rate-limit counts the way signatures are grouped (one turn on the
  file and one transaction for the hits queued together): three pairs scored 0.47-0.52
  against 0.49-0.54 without it.
- A signature's rate-limit hit used to be counted on its own, in the request, before the
  view: one upsert and one turn on the counters' lock file for each signature, and under load
  a request waited for that turn (p90 1.4-3 ms in one run, while another held it for 0.3 ms
  on average and up to 6 ms when the scheduler paused the holder). Now the hits go with the
  signatures to the batch's writer, which counts them before writing (``count_hits`` in
  core: one increment per address for the whole batch). Measured inside one server, with a
  switch between the two ways between turns (so that the machine's drift falls on both):
  over 8 turns each, twice, 651 against 686 and 724 against 762 signatures a second (+5%),
  server CPU per signature 2.52 against 2.42 ms and 2.32 against 2.19 ms; with no rate limit
  at all, signing was about as fast as with the grouped count. Between separate runs the
  difference is inside the spread: 0.50-0.54 before, 0.51-0.57 after, in seven pairs.
  A batch's connection is now also taken from the pool before the writer turn and given
  back after it (``driver_write``), so the turn holds only the transaction: by the same
  switching measure, 588 against 563 and 545 against 534 signatures a second (+2-4%).
  Waking a batch's waiting threads all at once (a condition variable instead of each taking
  the writer's lock in turn) scored lower by the same measure (591 against 621) and was
  dropped.
- Not taken: 8 threads per worker instead of 4 scored 0.69-0.70 on PostgreSQL, but mostly
  because the bare route slowed (1,010-1,058 against 1,353 requests/s); signing itself
  gained 4-8%. The benchmark keeps the server's defaults.
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
    args = _server.load_arguments(
        __doc__.splitlines()[0],
        lambda parser: parser.add_argument(
            "--rounds", type=int, default=5, help="turns of each phase, alternating"
        ),
    )
    with _server.running(args, make_instance) as run:
        tallies = run.alternate({"bare": _server.bare, "sign": sign}, join, args.rounds)
        run.stop()
        with _server.stored_data(run.instance) as session:
            stored = set(session.scalars(select(Signature.email)))
            rows = session.scalar(select(func.count()).select_from(Signature))
            counted = session.scalar(select(Pledge.signed_count))
    bare, signing = tallies["bare"], tallies["sign"]
    _server.print_setup(args, bare.ok, bare.errors)
    print(f"signing: {signing.rate:.0f} signatures/s, {signing.errors} errors")
    print(f"ratio signing/bare: {signing.rate / bare.rate:.2f} (target >= 0.5)")
    turns = ", ".join(f"{s / b:.2f}" for b, s in zip(bare.rates, signing.rates, strict=True))
    print(f"  turn by turn ({args.rounds} alternating turns of each): {turns}")
    print(f"server CPU per request: bare {bare.cpu_ms:.2f} ms, signing {signing.cpu_ms:.2f} ms"
          f" (ratio {bare.cpu_ms / signing.cpu_ms if signing.cpu_ms else 0:.2f})")  # fmt: skip
    lost = len(set(signing.acknowledged) - stored)
    print(f"lost: {lost}, duplicated: {max(0, counted - len(stored))}"
          f" (rows {rows}, count {counted})")  # fmt: skip


if __name__ == "__main__":
    main()
