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

import re
import urllib.parse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import _server
from sqlalchemy import func, insert, select, text

from campaignkit.core.app import create_app
from campaignkit.core.auth.accounts import create_user
from campaignkit.plugins.phonebank.models import (
    RUNNING,
    Call,
    CallList,
    Contact,
    PhoneCampaign,
    Target,
)
from campaignkit.plugins.phonebank.numbers import phone_hash
from campaignkit.testing import (
    CSRF_FIELD,
    FAST_HASHING,
    TEST_PASSWORD,
    edit_config,
    isolated_environ,
)

TEL = re.compile(r'href="tel:(\+\d+)"')
OUTCOME = re.compile(r'action="/phonebank/calls/([0-9a-f]+)"')


def count_bare(client: _server.Client, state: dict) -> tuple[bool, None]:
    """GET the bare route, counting the request."""
    state["requests"] += 1
    return _server.bare(client, state)


def take_call(client: _server.Client, state: dict) -> tuple[bool, str | None]:
    """ "Next call", the call page, and the outcome: three requests (counted in the state);
    acknowledges the number it was handed."""
    body = urllib.parse.urlencode({"csrf_token": client.token})
    state["requests"] += 1
    if client.request("POST", "/phonebank/1/next", body)[0] != 303:
        return False, None
    state["requests"] += 1
    status, page = client.request("GET", "/phonebank/1")
    number, token = TEL.search(page), OUTCOME.search(page)
    if status != 200 or number is None or token is None:
        return False, None
    client.token = CSRF_FIELD.search(page).group(1)
    form = {"csrf_token": client.token, "campaign_id": "1", "outcome": "answered", "q0": "Yes"}
    state["requests"] += 1
    done = client.request(
        "POST", f"/phonebank/calls/{token.group(1)}", urllib.parse.urlencode(form)
    )
    return done[0] == 303, number.group(1)


def sign_in(client: _server.Client, number: int, states: list[dict]) -> dict:
    """Sign volunteer ``number`` in on this client, with a CSRF token for the calling pages;
    returns its state (a request count), kept in ``states`` too."""
    client.token = CSRF_FIELD.search(client.request("GET", "/signin")[1]).group(1)
    form = {"email": f"caller{number}@example.org", "password": TEST_PASSWORD,
            "csrf_token": client.token}  # fmt: skip
    assert client.request("POST", "/signin", urllib.parse.urlencode(form))[0] == 302
    client.token = CSRF_FIELD.search(client.request("GET", "/phonebank/1")[1]).group(1)
    states.append({"requests": 0})
    return states[-1]


def make_instance(folder: Path, database_url: str | None, volunteers: int, contacts: int) -> Path:
    """A new instance with a running campaign of ``contacts`` contacts and the volunteers."""
    settings = {"phonebank": {"calling_starts": "00:00", "calling_ends": "24:00"}}
    path, app = _server.new_instance(folder, settings, database_url,
                                     ["share", "marginals", "phonebank"])  # fmt: skip
    edit_config(path, accounts=FAST_HASHING)
    app.extensions["campaignkit"].database.dispose()
    app = create_app(path, environ=isolated_environ())
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
    args = _server.load_arguments(
        __doc__.splitlines()[0],
        lambda parser: parser.add_argument("--contacts", type=int, default=40000),
    )

    def instance(folder: Path, database_url: str | None) -> Path:
        return make_instance(folder, database_url, args.clients, args.contacts)

    bare_states: list[dict] = []
    call_states: list[dict] = []
    with _server.running(args, instance) as run:
        _, bare_errors, _ = run.phase(count_bare, lambda c, n: sign_in(c, n, bare_states))
        calls, errors, handed = run.phase(take_call, lambda c, n: sign_in(c, n, call_states))
        run.stop()
        with _server.stored_data(run.instance) as session:
            stored = session.scalar(select(func.count()).select_from(Call))
            twice_stored = session.scalar(
                select(func.count()).select_from(
                    select(Call.target_id).group_by(Call.target_id)
                    .having(func.count() > 1).subquery()
                )
            )  # fmt: skip
    bare_requests = sum(state["requests"] for state in bare_states)
    requests = sum(state["requests"] for state in call_states)
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
