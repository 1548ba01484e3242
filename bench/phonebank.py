"""Benchmark: phone bank "next call" + outcome over HTTP against ``campaignkit serve``, with
the count of contacts handed out twice.

Builds a throwaway instance (SQLite unless ``--postgres ADMIN_URL`` is given)
with a running campaign of ``--contacts`` contacts, calling hours all day and
``--clients`` signed-in volunteers, starts the production server (gunicorn)
and, from one thread per volunteer each keeping its own connection, first
GETs ``/healthz`` (a bare route) for ``--seconds``, then takes calls for
``--seconds``: POST "next call" (a 303), GET the call page (script, ``tel:``
link, outcome form) and POST the outcome "answered" (a 303). Prints calls per
second, requests per second and their ratio to the bare route (target >= 0.5),
errors, and the contacts handed out twice (seen by two volunteers, or with two
calls stored), which must be 0.

    python bench/phonebank.py [--clients 64] [--seconds 10] [--workers 2] [--postgres ADMIN_URL]
"""

from __future__ import annotations

import argparse
import http.client
import re
import signal
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import tomlkit
from _server import Client, serve
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from campaignkit.core.app import create_app
from campaignkit.core.auth.accounts import create_user
from campaignkit.core.init_instance import init_instance
from campaignkit.plugins.phonebank.models import (
    RUNNING,
    Call,
    CallList,
    Contact,
    PhoneCampaign,
    Target,
)
from campaignkit.plugins.phonebank.numbers import phone_hash
from campaignkit.testing import CSRF_FIELD, FAST_HASHING, TEST_PASSWORD, isolated_environ, migrate

TEL = re.compile(r'href="tel:(\+\d+)"')
OUTCOME = re.compile(r'action="/phonebank/calls/([0-9a-f]+)"')


class Caller(Client):
    """A client that keeps every cookie it is given (signing in sets more than one)."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self.cookies: dict[str, str] = {}

    def request_bytes(
        self, method: str, path: str, body: str | bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> tuple[int, bytes]:  # fmt: skip
        """Send one request with every cookie; returns status and body (as bytes)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data


def run_phase(clients: list[Caller], seconds: float, action) -> tuple[int, int, int, list[str]]:  # noqa: ANN001
    """Run ``action(client)`` from one thread per client for a while:
    (actions ok, requests, errors, numbers handed out)."""
    ok, requests, errors, handed, lock = [0], [0], [0], [], threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    stop_at: list[float] = [time.monotonic() + 1e9]

    def worker(client: Caller) -> None:
        start.wait()
        while time.monotonic() < stop_at[0]:
            try:
                good, made, number = action(client)
            except (OSError, http.client.HTTPException):
                good, made, number = False, 1, None
                client.connection.close()
            with lock:
                requests[0] += made
                if good:
                    ok[0] += 1
                    if number:
                        handed.append(number)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    start.wait()
    stop_at[0] = time.monotonic() + seconds
    for thread in threads:
        thread.join()
    return ok[0], requests[0], errors[0], handed


def bare(client: Caller) -> tuple[bool, int, None]:
    """GET the bare route."""
    return client.request("GET", "/healthz")[0] == 200, 1, None


def take_call(client: Caller) -> tuple[bool, int, str | None]:
    """ "Next call", the call page, and the outcome: three requests."""
    body = urllib.parse.urlencode({"csrf_token": client.token})
    if client.request("POST", "/phonebank/1/next", body)[0] != 303:
        return False, 1, None
    status, page = client.request("GET", "/phonebank/1")
    number, token = TEL.search(page), OUTCOME.search(page)
    if status != 200 or number is None or token is None:
        return False, 2, None
    client.token = CSRF_FIELD.search(page).group(1)
    form = {"csrf_token": client.token, "campaign_id": "1", "outcome": "answered", "q0": "Yes"}
    done = client.request(
        "POST", f"/phonebank/calls/{token.group(1)}", urllib.parse.urlencode(form)
    )
    return done[0] == 303, 3, number.group(1)


def sign_in(base: str, number: int) -> Caller:
    """A volunteer's client, signed in, with a CSRF token for the calling pages."""
    client = Caller(base)
    client.token = CSRF_FIELD.search(client.request("GET", "/signin")[1]).group(1)
    form = {"email": f"caller{number}@example.org", "password": TEST_PASSWORD,
            "csrf_token": client.token}  # fmt: skip
    assert client.request("POST", "/signin", urllib.parse.urlencode(form))[0] == 302
    client.token = CSRF_FIELD.search(client.request("GET", "/phonebank/1")[1]).group(1)
    return client


def make_instance(folder: Path, database_url: str | None, volunteers: int, contacts: int) -> Path:
    """A new instance with a running campaign of ``contacts`` contacts and the volunteers."""
    path = init_instance(folder, kit="uk", name="Bench", database_url=database_url,
                         plugins=["share", "marginals", "phonebank"])  # fmt: skip
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    document["accounts"] = FAST_HASHING
    plugins = document.setdefault("plugins", tomlkit.table())
    plugins["phonebank"] = {"calling_starts": "00:00", "calling_ends": "24:00"}
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    app = migrate(create_app(path, environ=isolated_environ()))
    now = datetime.now(UTC)
    with app.test_request_context():
        for number in range(volunteers):
            create_user(f"caller{number}@example.org", TEST_PASSWORD, "volunteer",
                        approved=True, verified=True, joined_via="bench")  # fmt: skip
        phones = [f"+447400{100000 + n}" for n in range(contacts)]
        rows = [{"list_id": 1, "name": f"Person {n}", "phone": phone,
                 "phone_hash": phone_hash(phone),
                 "postcode": "SW1A 1AA", "seat": "E14001172",
                 "seat_name": "Cities of London and Westminster", "tags": "", "note": "",
                 "time_zones": "Europe/London", "created_at": now}
                for n, phone in enumerate(phones)]  # fmt: skip
    with app.extensions["campaignkit"].database.write() as session:
        session.add(CallList(id=1, name="Bench", lawful_basis="Benchmark", created_at=now))
        session.add(PhoneCampaign(id=1, list_id=1, title="Bench", script="Hello {first_name}",
                                  questions=[{"question": "Vote?", "options": ["Yes", "No"]}],
                                  status=RUNNING, created_at=now))  # fmt: skip
        session.flush()
        session.execute(insert(Contact), rows)
        session.execute(
            insert(Target).from_select(
                ["campaign_id", "contact_id", "state", "attempts"],
                select(text("1"), Contact.id, text("'open'"), text("0")),
            )
        )
    app.extensions["campaignkit"].database.dispose()
    return path


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--contacts", type=int, default=40000)
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
        instance = make_instance(Path(folder) / "instance", database_url, args.clients,
                                 args.contacts)  # fmt: skip
        server, base = serve(instance, args.workers, args.threads, Path(folder) / "serve.log")
        try:
            clients = [sign_in(base, n) for n in range(args.clients)]
            bare_ok, bare_requests, bare_errors, _ = run_phase(clients, args.seconds, bare)
            calls, requests, errors, handed = run_phase(clients, args.seconds, take_call)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        app = create_app(instance, environ=isolated_environ())
        with app.extensions["campaignkit"].database.new_session() as session:
            stored = session.scalar(select(func.count()).select_from(Call))
            twice_stored = session.scalar(
                select(func.count()).select_from(
                    select(Call.target_id).group_by(Call.target_id)
                    .having(func.count() > 1).subquery()
                )
            )  # fmt: skip
        app.extensions["campaignkit"].database.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    backend = "postgresql" if args.postgres else "sqlite"
    bare_rate, request_rate = bare_requests / args.seconds, requests / args.seconds
    twice_seen = sum(1 for count in Counter(handed).values() if count > 1)
    print(f"backend {backend}, {args.clients} volunteers, {args.workers} workers"
          f" x {args.threads} threads, {args.seconds:g}s, {args.contacts} contacts")  # fmt: skip
    print(f"bare route (/healthz): {bare_rate:.0f} req/s, {bare_errors} errors")
    print(f"calls (next call + call page + outcome): {calls / args.seconds:.0f} calls/s,"
          f" {request_rate:.0f} req/s, {errors} errors")  # fmt: skip
    print(f"ratio phone bank requests/bare: {request_rate / bare_rate:.2f} (target >= 0.5)")
    print(f"handed out twice: {twice_seen} seen by two volunteers, {twice_stored} with two calls"
          f" stored (must be 0); calls answered {len(handed)}, stored {stored}")  # fmt: skip


if __name__ == "__main__":
    main()
