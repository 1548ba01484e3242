"""Benchmark: cascade link resolution over HTTP against ``campaignkit serve``, with lost counts.

Builds a throwaway instance (SQLite unless ``--postgres ADMIN_URL`` is given)
with a running cascade and the open rate limit out of the way, starts the
production server (gunicorn) and, from ``--clients`` threads each keeping its
own connection, first GETs ``/healthz`` (a bare route) for ``--seconds``, then
resolves cascade links (``/c/<code>``, answered by a 303 to the message
page, which is not fetched) for ``--seconds``: every open comes from a new
browser (no cookie), under the link this thread opened last, so the tree
grows generations. Prints opens per second, the ratio to the bare route (target
>= 0.7), errors, and the lost (answered but not stored) and extra (stored
but not answered) nodes, which must both be 0.

    python bench/cascade.py [--clients 64] [--seconds 10] [--workers 2] [--postgres ADMIN_URL]
"""

from __future__ import annotations

import argparse
import http.client
import re
import signal
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import tomlkit
from _server import Client, serve
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.plugins.cascade.models import RUNNING, TARGETS, Cascade, Node
from campaignkit.testing import isolated_environ, migrate

OWN_CODE = re.compile(r"/c/([^/]+)/message$")
ROOT = "1-benchmarkroot"


def run_phase(base: str, clients: int, seconds: float, action) -> tuple[int, int, list[str]]:  # noqa: ANN001
    """Run ``action(client, state)`` from many threads for a while: (ok, errors, acknowledged)."""
    ok, errors, acknowledged, lock = [0], [0], [], threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def worker() -> None:
        client, state = Client(base), {"parent": ROOT}
        start.wait()
        while time.monotonic() < stop_at[0]:
            try:
                good, key = action(client, state)
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

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + 1e9)
    start.wait()
    stop_at[0] = time.monotonic() + seconds
    for thread in threads:
        thread.join()
    return ok[0], errors[0], acknowledged


def bare(client: Client, _state: dict) -> tuple[bool, None]:
    """GET the bare route."""
    return client.request("GET", "/healthz")[0] == 200, None


def open_link(client: Client, state: dict) -> tuple[bool, str | None]:
    """Resolve the last link as a new browser (no cookie): a 303 to the message page of the
    node it made; the next open goes under that node."""
    client.connection.request("GET", f"/c/{state['parent']}")
    response = client.connection.getresponse()
    response.read()
    found = OWN_CODE.match(response.getheader("Location") or "")
    if response.status != 303 or found is None:
        return False, None
    state["parent"] = found.group(1)
    return True, found.group(1)


def make_instance(folder: Path, database_url: str | None) -> Path:
    """A new instance with a running cascade whose root code is ``ROOT`` and no open limit."""
    # Only the plugins the page needs.
    path = init_instance(folder, kit="uk", name="Bench", database_url=database_url,
                         plugins=["share", "marginals", "cascade"])  # fmt: skip
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    plugins = document.setdefault("plugins", tomlkit.table())
    plugins["cascade"] = {"open_rate": "1000000 per minute"}
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    app = migrate(create_app(path, environ=isolated_environ()))
    now = datetime.now(UTC)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Cascade(id=1, title="Vote today", text="Polls close at 10pm. Pass it on!",
                            link="https://example.org", status=RUNNING,
                            created_at=now))  # fmt: skip
        session.flush()
        session.add(Node(code=ROOT, cascade_id=1, parent_id=None, generation=0, opened_at=now,
                         **{f"forwards_{t}": 0 for t in TARGETS}))  # fmt: skip
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
            bare_ok, bare_errors, _ = run_phase(base, args.clients, args.seconds, bare)
            opened, errors, acknowledged = run_phase(base, args.clients, args.seconds, open_link)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        app = create_app(instance, environ=isolated_environ())
        with app.extensions["campaignkit"].database.new_session() as session:
            stored = set(session.scalars(select(Node.code).where(Node.parent_id.is_not(None))))
            deepest = session.scalar(select(func.max(Node.generation)))
        app.extensions["campaignkit"].database.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    backend = "postgresql" if args.postgres else "sqlite"
    bare_rate, open_rate = bare_ok / args.seconds, opened / args.seconds
    print(f"backend {backend}, {args.clients} clients, {args.workers} workers"
          f" x {args.threads} threads, {args.seconds:g}s")  # fmt: skip
    print(f"bare route (/healthz): {bare_rate:.0f} req/s, {bare_errors} errors")
    print(f"link resolution (/c/<code>, a new node each): {open_rate:.0f} opens/s, {errors} errors")
    print(f"ratio opens/bare: {open_rate / bare_rate:.2f} (target >= 0.7)")
    lost, extra = len(set(acknowledged) - stored), len(stored - set(acknowledged))
    print(f"lost: {lost}, extra: {extra} (nodes {len(stored)}, answered {len(acknowledged)},"
          f" deepest generation {deepest})")  # fmt: skip


if __name__ == "__main__":
    main()
