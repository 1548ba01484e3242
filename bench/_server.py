"""Benchmark helpers: start the production server (``campaignkit serve``), talk to it over
HTTP, read its workers.

Not a benchmark itself (bench/_*.py are helpers); the scripts import it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from campaignkit.core.app import create_app
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import isolated_environ, migrate

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")


class Client:
    """One client: a keep-alive connection, the cookies it was given and a CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""

    @property
    def cookie(self) -> str:
        """The ``Cookie`` header for the next request ("" before any cookie is set)."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, body: str | bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> tuple[int, str]:  # fmt: skip
        """Send one request; returns status and body (as text)."""
        status, data = self.request_bytes(method, path, body, content_type)
        return status, data.decode("utf-8", "replace")

    def request_bytes(
        self, method: str, path: str, body: str | bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> tuple[int, bytes]:  # fmt: skip
        """Send one request; returns status and body (as bytes)."""
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data


def serve(instance: Path, workers: int, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    """Start the production server (gunicorn); returns it and its base URL."""
    command = [str(CAMPAIGNKIT), "--instance", str(instance), "serve", "--bind", "127.0.0.1:0",
               "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    handle = log.open("w")
    server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    for _ in range(300):
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found and log.read_text().count("Booting worker") >= workers:
            settle(server.pid)
            return server, found.group(1)
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def workers_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by a server's worker processes (Linux /proc)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in worker_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that just exited
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def settle(master: int, most_s: float = 90.0) -> None:
    """Wait until the server's workers have built their apps and warmed up: until they use
    under 5% of a core for half a second. A phase timed earlier would share the machine
    with their start-up, and its rate would say more about that than about the route."""
    deadline = time.monotonic() + most_s
    used = workers_cpu_seconds(master)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = workers_cpu_seconds(master)
        if now - used < 0.025:
            return
        used = now


class Run:
    """One benchmark run: its instance, the production server on it, and its load phases."""

    def __init__(self, args: argparse.Namespace, instance: Path, log: Path) -> None:
        self.args, self.instance = args, instance
        self.server, self.base = serve(instance, args.workers, args.threads, log)

    def phase(
        self, action: Action, prepare: Callable[[Client, int], dict] | None = None
    ) -> tuple[int, int, list[str]]:
        """Load the server with ``action`` from every client for the run's seconds (run_phase)."""
        extra = {"prepare": prepare} if prepare else {}
        return run_phase(self.base, self.args.clients, self.args.seconds, action, **extra)

    def alternate(
        self, actions: dict[str, Action], prepare: Callable[[Client, int], dict], rounds: int
    ) -> dict[str, Tally]:
        """Load the server with each action in turn, ``rounds`` times (run_alternating)."""
        return run_alternating(
            self.base, self.args.clients, self.args.seconds, actions, prepare, rounds,
            lambda: workers_cpu_seconds(self.server.pid),
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (again is harmless), so what it stored can be read."""
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            self.server.wait(timeout=30)


@contextmanager
def running(
    args: argparse.Namespace, make_instance: Callable[[Path, str | None], Path]
) -> Iterator[Run]:
    """A run on a new instance (``make_instance(folder, database_url)``), SQLite or a new
    PostgreSQL database as the arguments say; the server, folder and database go afterwards."""
    with bench_database(args.postgres) as database_url, tempfile.TemporaryDirectory() as folder:
        run = Run(
            args, make_instance(Path(folder) / "instance", database_url), Path(folder) / "serve.log"
        )
        try:
            yield run
        finally:
            run.stop()


def print_setup(args: argparse.Namespace, bare_ok: int, bare_errors: int) -> float:
    """Print the run's set-up and the bare route's rate; returns that rate (requests/s)."""
    backend = "postgresql" if args.postgres else "sqlite"
    bare_rate = bare_ok / args.seconds
    print(f"backend {backend}, {args.clients} clients, {args.workers} workers"
          f" x {args.threads} threads, {args.seconds:g}s")  # fmt: skip
    print(f"bare route (/healthz): {bare_rate:.0f} req/s, {bare_errors} errors")
    return bare_rate


@contextmanager
def stored_data(instance: Path) -> Iterator[Session]:
    """A session on an instance's database, to count what a run stored."""
    app = create_app(instance, environ=isolated_environ())
    try:
        with app.extensions["campaignkit"].database.new_session() as session:
            yield session
    finally:
        app.extensions["campaignkit"].database.dispose()


def worker_pids(master: int) -> list[int]:
    """The process ids of the server's workers (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float:
    """A process's resident-memory high-water mark (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def new_instance(
    folder: Path, settings: dict[str, dict], database_url: str | None = None,
    plugins: list[str] | None = None,
) -> tuple[Path, Flask]:  # fmt: skip
    """A new UK-kit instance with these plugin settings, migrated: (its folder, its app).

    ``plugins`` narrows the kit's plugins to those a benchmark needs. Call
    ``app.extensions["campaignkit"].database.dispose()`` after seeding it.
    """
    path = init_instance(folder, kit="uk", name="Bench", database_url=database_url,
                         plugins=plugins)  # fmt: skip
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    table = document.setdefault("plugins", tomlkit.table())
    for plugin, values in settings.items():
        table[plugin] = values
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path, migrate(create_app(path, environ=isolated_environ()))


def load_arguments(
    description: str, more: Callable[[argparse.ArgumentParser], object] = lambda _parser: None
) -> argparse.Namespace:
    """The arguments every load benchmark takes: clients, seconds, server size, PostgreSQL;
    ``more(parser)`` adds a benchmark's own."""
    parser = argparse.ArgumentParser(description=description)
    more(parser)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="run on a new PostgreSQL database")
    return parser.parse_args()


@contextmanager
def bench_database(admin_url: str | None) -> Iterator[str | None]:
    """A new PostgreSQL database for one run (its URL), dropped afterwards; None for SQLite."""
    if not admin_url:
        yield None
        return
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    name = f"ck_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )  # fmt: skip
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


#: One request of a phase: ``action(client, state)`` -> (succeeded, key it acknowledged or None).
Action = Callable[[Client, dict], tuple[bool, str | None]]


def run_phase(
    base: str, clients: int, seconds: float, action: Action,
    prepare: Callable[[Client, int], dict] = lambda _client, _number: {},
) -> tuple[int, int, list[str]]:  # fmt: skip
    """Run ``action`` from ``clients`` threads for ``seconds``: (ok, errors, acknowledged keys).

    Each thread first calls ``prepare(client, number)`` for its own state (outside the timed
    part); a client whose connection fails reconnects (keeping its cookies) and the request
    counts as an error.
    """
    tally = run_alternating(
        base, clients, seconds, {"phase": action}, prepare, 1, lambda: 0.0, warm_up_s=0
    )["phase"]
    return tally.ok, tally.errors, tally.acknowledged


@dataclass
class Tally:
    """What one action did over every round of ``run_alternating``."""

    ok: int = 0  # successes that ended within their turn: the rate counts these
    late: int = 0  # successes that ended after their turn (each client's last of the turn)
    errors: int = 0
    seconds: float = 0.0  # timed seconds, every round together
    cpu_seconds: float = 0.0  # the server workers' CPU meanwhile
    acknowledged: list[str] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)  # successes per second, round by round

    @property
    def rate(self) -> float:
        """Successes per second over every round."""
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU per success, in milliseconds."""
        return self.cpu_seconds / max(self.ok + self.late, 1) * 1000


def run_alternating(
    base: str, clients: int, seconds: float, actions: dict[str, Action],
    prepare: Callable[[Client, int], dict], rounds: int, cpu: Callable[[], float],
    warm_up_s: float = 1.0,
) -> dict[str, Tally]:  # fmt: skip
    """Run each action from ``clients`` threads for ``seconds`` in all, in ``rounds`` turns.

    The same clients (connections, cookies, ``prepare``'s state) take every turn: action
    A for seconds/rounds, then B, then A again... so each action samples the machine's
    speed across the whole run rather than one stretch of it, which on a shared machine
    drifts by more than the difference being measured. Each action first runs untimed
    for ``warm_up_s`` (the server's pools fill and PostgreSQL prepares the statements
    it sees often); its errors and acknowledged keys still count. ``cpu()`` reads the
    server's CPU seconds at each turn's ends.

    A request that ends after its turn's end (each client's last of the turn) is not
    counted in the rate: the server is busy from the turn's first moment, so counting
    those would add one request per client to every turn, which flattered the slower
    action, and the shorter the turns the more. Its errors and keys still count.
    """
    tallies = {name: Tally() for name in actions}
    warming = {name: Tally() for name in actions}
    turns = [(name, warming[name], warm_up_s) for name in actions if warm_up_s > 0] + [
        (name, tallies[name], seconds / rounds) for _round in range(rounds) for name in actions
    ]
    start, done = threading.Barrier(clients + 1), threading.Barrier(clients + 1)
    stop_at, lock = [0.0], threading.Lock()

    def worker(number: int) -> None:
        client = Client(base)
        state = prepare(client, number)
        for name, tally, _seconds in turns:
            action = actions[name]
            start.wait()
            while time.monotonic() < stop_at[0]:
                try:
                    good, key = action(client, state)
                except (OSError, http.client.HTTPException):
                    good, key = False, None
                    client.connection.close()  # the next request reconnects, cookies kept
                in_time = time.monotonic() <= stop_at[0]
                with lock:
                    tally.ok += good and in_time
                    tally.late += good and not in_time
                    tally.errors += not good
                    if good and key:
                        tally.acknowledged.append(key)
            done.wait()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for _name, tally, turn_s in turns:
        before_ok, cpu_before = tally.ok, cpu()
        stop_at[0] = 1e18
        start.wait()
        stop_at[0] = time.monotonic() + turn_s
        done.wait()
        tally.seconds += turn_s
        tally.cpu_seconds += cpu() - cpu_before
        tally.rates.append((tally.ok - before_ok) / turn_s)
    for thread in threads:
        thread.join()
    for name, tally in tallies.items():
        tally.errors += warming[name].errors
        tally.acknowledged += warming[name].acknowledged
    return tallies


def bare(client: Client, _state: dict) -> tuple[bool, None]:
    """GET the bare route (``/healthz``), the baseline of every load benchmark."""
    return client.request("GET", "/healthz")[0] == 200, None
