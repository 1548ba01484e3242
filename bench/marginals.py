"""Benchmark the marginals plugin; every figure is a ratio against a baseline from the same run.

(c) Importing the full Code-Point Open zip (``../shared/data/uk/codepo_gb.zip``)
    with ``campaignkit marginals import-postcodes`` into a fresh SQLite
    instance, in a subprocess: wall time against the time a subprocess takes
    merely to read and parse the zip's rows, and peak memory (max RSS) against
    that parsing subprocess's. The absolute figures are printed beside the
    targets (<= 60 s, <= 500 MB on a 2-core machine).
(d) One exact postcode lookup through ``campaignkit.core.geocode`` against a
    primary-key fetch of one seat's row (an imported result), both from the
    same database and session, identity map cleared each time.

Run: ``python bench/marginals.py [--zip PATH] [--lookups N] [--database-url URL]``
(an empty PostgreSQL database instead of SQLite). Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_UK = ROOT.parent / "shared" / "data" / "uk"
CAMPAIGNKIT = Path(sys.executable).parent / "campaignkit"

PARSE_ONLY = """
import sys
from pathlib import Path
from campaignkit.plugins.marginals.sources import read_postcodes
rows = bad = 0
for batch in read_postcodes(Path(sys.argv[1])):
    rows += len(batch.postcodes)
    bad += batch.bad
print(rows, bad)
"""


def run_measured(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return its wall time (s), peak memory (MB) and output."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def make_instance(folder: Path, database_url: str | None) -> Path:
    """A fresh UK instance with its database migrated (SQLite unless a URL is given)."""
    instance = folder / "instance"
    init = [CAMPAIGNKIT, "init", str(instance), "--kit", "uk"]
    init += ["--database-url", database_url] if database_url else []
    subprocess.run(init, check=True, stdout=-3)
    subprocess.run([CAMPAIGNKIT, "--instance", str(instance), "db", "upgrade"], check=True)
    return instance


def bench_import(instance: Path, zip_path: Path) -> None:
    """(c): the full import against parsing alone."""
    parse_s, parse_mb, counted = run_measured([sys.executable, "-c", PARSE_ONLY, str(zip_path)])
    command = [CAMPAIGNKIT, "--instance", str(instance), "marginals", "import-postcodes"]
    import_s, import_mb, output = run_measured([*command, str(zip_path)])
    print(f"    parse only: {counted.split()[0]} rows in {parse_s:.1f} s, peak {parse_mb:.0f} MB")
    print(f"    {output.splitlines()[-1]}")
    print(f"(c) import time / parse time:        {import_s / parse_s:6.2f}x  ({import_s:.1f} s;"
          " target <= 60 s)")  # fmt: skip
    print(f"(c) import peak memory / parse peak: {import_mb / parse_mb:6.2f}x  ({import_mb:.0f} MB;"
          " target <= 500 MB)")  # fmt: skip


def bench_lookup(instance: Path, lookups: int) -> None:
    """(d): one exact postcode lookup against a primary-key fetch of a seat row."""
    from campaignkit.core import db_session, geocode
    from campaignkit.core.app import create_app
    from campaignkit.plugins.marginals.models import ImportedResult

    results = SHARED_UK / "ge2024_results.csv"
    command = [CAMPAIGNKIT, "--instance", str(instance), "marginals", "import-results"]
    subprocess.run([*command, str(results)], check=True, stdout=-3)
    app = create_app(instance)
    with app.test_request_context():
        session = db_session()
        assert geocode("sw1a1aa").precision == "postcode"

        def timed(action) -> float:  # noqa: ANN001
            started = time.perf_counter()
            for _ in range(lookups):
                session.expunge_all()
                action()
            return (time.perf_counter() - started) / lookups

        fetch = timed(lambda: session.get(ImportedResult, "E14001063"))
        lookup = timed(lambda: geocode("sw1a1aa"))
    print(f"(d) exact postcode lookup / seat row fetch: {lookup / fetch:6.2f}x "
          f"({lookup * 1e6:.0f} us vs {fetch * 1e6:.0f} us, mean of {lookups})")  # fmt: skip


def main() -> None:
    """Run parts (c) and (d) in a temporary instance."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=SHARED_UK / "codepo_gb.zip")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = make_instance(Path(folder), args.database_url)
        bench_import(instance, args.zip)
        bench_lookup(instance, args.lookups)


if __name__ == "__main__":
    main()
