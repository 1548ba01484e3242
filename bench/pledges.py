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
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import tomlkit
from _server import Client, serve
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.plugins.pledges.models import Pledge, Signature
from campaignkit.testing import isolated_environ, migrate

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def run_phase(base: str, clients: int, seconds: float, action) -> tuple[int, int, list[str]]:  # noqa: ANN001
    """Run ``action(client, n, i)`` from many threads for a while: (ok, errors, acknowledged)."""
    ok, errors, acknowledged, lock = [0], [0], [], threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def worker(number: int) -> None:
        client = Client(base)
        client.request("GET", "/pledges/bench")
        client.token = CSRF.search(client.request("GET", "/pledges/bench")[1]).group(1)
        start.wait()
        i = 0
        while time.monotonic() < stop_at[0]:
            i += 1
            try:
                good, key = action(client, number, i)
            except (OSError, http.client.HTTPException):
                good, key = False, None
                client = Client(base)
            with lock:
                if good:
                    ok[0] += 1
                    if key:
                        acknowledged.append(key)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + 1e9)
    start.wait()
    stop_at[0] = time.monotonic() + seconds
    for thread in threads:
        thread.join()
    return ok[0], errors[0], acknowledged


def bare(client: Client, _number: int, _i: int) -> tuple[bool, None]:
    """GET the bare route."""
    return client.request("GET", "/healthz")[0] == 200, None


def sign(client: Client, number: int, i: int) -> tuple[bool, str]:
    """Sign once with a new address."""
    email = f"c{number}-{i}@example.org"
    form = {"csrf_token": client.token, "name": "Bench Signer", "email": email,
            "postcode": "SW1A 1AA", "consent": "yes"}  # fmt: skip
    return client.request("POST", "/pledges/bench/sign", urlencode(form))[0] == 303, email


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the server's worker processes (Linux /proc)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def make_instance(folder: Path, database_url: str | None) -> Path:
    """A new instance with the pledges plugin, a pledge 'bench' and no signing limit."""
    path = init_instance(folder, kit="uk", name="Bench", database_url=database_url)
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    plugins = document.setdefault("plugins", tomlkit.table())
    plugins["pledges"] = {"double_opt_in": False, "sign_rate": "1000000 per minute"}
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    app = migrate(create_app(path, environ=isolated_environ()))
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Pledge(slug="bench", title="Bench", text="I pledge.", goal=1_000_000,
                           status="open", signed_count=0, share_text="",
                           created_at=datetime.now(UTC)))  # fmt: skip
    app.extensions["campaignkit"].database.dispose()
    return path


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--postgres", metavar="ADMIN_URL")
    args = parser.parse_args()
    database_url = admin = None
    if args.postgres:
        admin = create_engine(make_url(args.postgres).set(drivername="postgresql+psycopg"),
                              isolation_level="AUTOCOMMIT")  # fmt: skip
        name = f"ck_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        database_url = (
            make_url(args.postgres).set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        instance = make_instance(Path(folder) / "instance", database_url)
        server, base = serve(instance, args.workers, args.threads, Path(folder) / "serve.log")
        try:
            cpu_start = server_cpu_seconds(server.pid)
            bare_ok, bare_errors, _ = run_phase(base, args.clients, args.seconds, bare)
            cpu_bare = server_cpu_seconds(server.pid)
            signed, errors, acknowledged = run_phase(base, args.clients, args.seconds, sign)
            cpu_sign = server_cpu_seconds(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        app = create_app(instance, environ=isolated_environ())
        with app.extensions["campaignkit"].database.new_session() as session:
            stored = set(session.scalars(select(Signature.email)))
            rows = session.scalar(select(func.count()).select_from(Signature))
            counted = session.scalar(select(Pledge.signed_count))
        app.extensions["campaignkit"].database.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    backend = "postgresql" if args.postgres else "sqlite"
    bare_rate, sign_rate = bare_ok / args.seconds, signed / args.seconds
    print(f"backend {backend}, {args.clients} clients, {args.workers} workers"
          f" x {args.threads} threads, {args.seconds:g}s")  # fmt: skip
    print(f"bare route (/healthz): {bare_rate:.0f} req/s, {bare_errors} errors")
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
