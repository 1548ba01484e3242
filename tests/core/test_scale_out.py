"""Scale-out: two ``campaignkit serve`` processes (two workers each) and one ``campaignkit
worker`` on one PostgreSQL database and one Redis agree with each other.

Everything goes through real HTTP to the production servers; the test only
reads the database to count what was stored. Needs PostgreSQL
(``CAMPAIGNKIT_TEST_POSTGRES_URL``) and Redis (``CAMPAIGNKIT_TEST_REDIS_URL``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from pg_databases import POSTGRES_ENV, fresh_database
from sqlalchemy import func, select

from campaignkit.core.events.models import GOING, WAITLIST, Event, Rsvp
from campaignkit.testing import FAST_HASHING, edit_config, isolated_environ

REDIS_ENV = "CAMPAIGNKIT_TEST_REDIS_URL"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"set {POSTGRES_ENV}"),
    pytest.mark.skipif(not os.environ.get(REDIS_ENV), reason=f"set {REDIS_ENV}"),
]

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")
START_S = 60  # a generous bound: a loaded machine starts Python slowly
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery staple 42"
SEEN_WITHIN_S = 1.0
NEAREST = "/api/v1/marginals/nearest?postcode=SW1A%201AA&limit=5"
SEAT = {"seat_code": "E14001172", "seat_name": "Cities of London and Westminster"}


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """The seat finder (its cached events listing) and pledges (counts, a mailing job)."""
    return ["marginals", "pledges"]


@pytest.fixture
def campaignkit_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database (this test is about PostgreSQL and Redis only)."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def ck_instance(ck_instance: Path, ck_smtp_server) -> Path:  # noqa: ANN001
    """The instance on Redis, with mail to the test SMTP server and small limits to reach."""
    edit_config(
        ck_instance,
        campaign={"redis_url": os.environ[REDIS_ENV]},
        mail={"host": "127.0.0.1", "port": ck_smtp_server.port, "starttls": False},
        accounts={**FAST_HASHING, "signin_max_failures": 3, "reset_rate": "4 per hour"},
        **{"plugins.pledges": {"double_opt_in": False, "sign_rate": "1000 per minute"}},
    )
    return ck_instance


class Servers:
    """The processes of one run; ``close`` stops every one still running."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path, self.processes, self.bases = tmp_path, [], []

    def start(self, instance: Path, *args: str) -> tuple[subprocess.Popen, Path]:
        """Start ``campaignkit --instance <instance> <args>``; returns it and its log."""
        log = self.tmp_path / f"process-{len(self.processes)}.log"
        with log.open("w") as handle:
            process = subprocess.Popen(
                [str(CAMPAIGNKIT), "--instance", str(instance), *args],
                stdout=handle, stderr=subprocess.STDOUT, env=isolated_environ(),
                start_new_session=True,  # a process group of its own, killed as one
            )  # fmt: skip
        self.processes.append(process)
        return process, log

    def serve(self, instance: Path) -> None:
        """Start one server with two workers; its base URL is added to ``bases`` once it answers."""
        self.start(instance, "serve", "--bind", "127.0.0.1:0", "--workers", "2", "--threads", "4")

    def wait_for_servers(self) -> list[str]:
        """Wait until every server's two workers answer ``/healthz``; returns their base URLs."""
        deadline = time.monotonic() + START_S
        logs = sorted(self.tmp_path.glob("process-*.log"))
        for process, log in zip(self.processes, logs, strict=False):
            if "serve" not in process.args:
                continue
            while True:
                text = log.read_text()
                found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
                if found and text.count("Booting worker") >= 2:
                    try:
                        if requests.get(f"{found[1]}/healthz", timeout=5).status_code == 200:
                            self.bases.append(found[1])
                            break
                    except requests.ConnectionError:
                        pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"a server did not start:\n{text}")
                time.sleep(0.1)
        return self.bases

    def close(self) -> None:
        """Kill every process with its children (gunicorn's workers): nothing is left to keep."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def servers(app, instance: Path, tmp_path: Path) -> Iterator[Servers]:  # noqa: ANN001
    """Two servers and one job worker on the test instance (migrated by ``app``)."""
    running = Servers(tmp_path)
    try:
        running.serve(instance)
        running.serve(instance)
        running.start(instance, "worker", "--workers", "2")
        running.wait_for_servers()
        yield running
    finally:
        running.close()


def token(client: requests.Session, base: str, path: str = "/signout") -> str:
    """A CSRF token for the client's session, read from a form on ``base``."""
    page = client.get(f"{base}{path}", timeout=10)
    found = CSRF_FIELD.search(page.text)
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found[1]


def post(client: requests.Session, base: str, path: str, data: dict) -> requests.Response:
    """POST a form (with a CSRF token from the same server) without following redirects."""
    data = {**data, "csrf_token": token(client, base)}
    return client.post(f"{base}{path}", data=data, allow_redirects=False, timeout=30)


def sign_in(base: str, email: str, password: str = PASSWORD) -> requests.Response:
    """A new browser that tries to sign in through ``base``; returns the answer (session on it)."""
    client = requests.Session()
    answer = post(client, base, "/signin", {"email": email, "password": password})
    answer.client = client
    return answer


def titles_near(base: str) -> set[str]:
    """The titles of the events listed with the seats near SW1A 1AA, as ``base`` answers."""
    seats = requests.get(f"{base}{NEAREST}", timeout=10).json()["seats"]
    return {event["title"] for seat in seats for event in seat["events"]}


def test_two_servers_and_a_worker_agree(
    servers: Servers,
    app,  # noqa: ANN001
    make_user: Callable[..., object],
    ck_make_event: Callable[..., Event],
    mailbox,  # noqa: ANN001
    add_pledge_row: Callable[..., int],
) -> None:
    one, two = servers.bases
    make_user("organiser@example.org", role="organiser", password=PASSWORD)
    make_user("locked@example.org", password=PASSWORD)
    database = app.extensions["campaignkit"].database

    # A session made on one server works on the other.
    signed_in = sign_in(one, "organiser@example.org")
    assert signed_in.status_code == 302, signed_in.text
    organiser = signed_in.client
    account = organiser.get(f"{two}/account", allow_redirects=False, timeout=10)
    assert account.status_code == 200 and "organiser@example.org" in account.text

    # Sign-in lockout is shared: three failures spread over both servers lock the account.
    for base in (one, two, one):
        assert sign_in(base, "locked@example.org", "wrong password").status_code != 302
    refused = sign_in(two, "locked@example.org")
    assert refused.status_code != 302 and "Too many" in refused.text

    # Rate limits are shared: "4 per hour" is four posts to both servers together.
    asker = requests.Session()
    codes = [post(asker, base, "/reset", {"email": "x@example.org"}).status_code
             for base in (one, two, one, two, one, two)]  # fmt: skip
    assert 429 not in codes[:4] and codes[4:] == [429, 429], codes

    # 50 RSVPs at once for 10 places, split over both servers: 10 going, 40 waiting.
    event = ck_make_event(title="Ten places", capacity="10", **SEAT)

    def rsvp(number: int) -> int:
        client, base = requests.Session(), (one, two)[number % 2]
        data = {"name": f"Guest {number}", "email": f"guest{number}@example.org", "consent": "yes"}
        return post(client, base, f"/events/{event.id}/rsvp", data).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(rsvp, range(50))) == {303}
    with database.new_session() as session:
        statuses = Counter(session.scalars(select(Rsvp.status).where(Rsvp.event_id == event.id)))
        going = session.get(Event, event.id).going
    assert (statuses[GOING], statuses[WAITLIST], going) == (10, 40, 10)

    # An event edited through one server is listed afresh by the other within one second,
    # though both of its workers had just listed it (and keep listings up to 20 s).
    for _ in range(8):
        assert "Ten places" in titles_near(two)
    form = {
        "type": "canvass", "title": "Ten places, new time", "date": event.starts_at.date(),
        "start": "11:00", "end": "14:00", "postcode": "SW1A 1AA", "venue": "The hall",
        "capacity": "10", "timezone": "Europe/London",
    }  # fmt: skip
    edited = post(organiser, one, f"/host/events/{event.id}/edit", form)
    assert edited.status_code == 303, edited.text
    edited_at = time.monotonic()
    while True:
        asked_after = time.monotonic() - edited_at  # a slow answer to an early question is fine
        if "Ten places, new time" in titles_near(two):
            break
        assert asked_after < SEEN_WITHIN_S, "the other server still lists the old title"
        time.sleep(0.02)
    for _ in range(8):  # every worker of that server
        assert "Ten places, new time" in titles_near(two)

    # A pledge's count equals its rows: 30 signatures at once over both servers, 6 repeated.
    pledge_id = add_pledge_row()

    def sign(number: int) -> int:
        client, base = requests.Session(), (one, two)[number % 2]
        who = number % 24  # 24 people, six of whom sign twice
        data = {"name": f"Signer {who}", "email": f"signer{who}@example.org",
                "postcode": "SW1A 1AA", "consent": "yes"}  # fmt: skip
        return post(client, base, "/pledges/keep-the-buses/sign", data).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert set(pool.map(sign, range(30))) == {303}
    from campaignkit.plugins.pledges.models import Pledge, Signature

    with database.new_session() as session:
        rows = session.scalar(
            select(func.count()).where(Signature.pledge_id == pledge_id)
        )  # fmt: skip
        assert rows == 24 and session.get(Pledge, pledge_id).signed_count == rows

    # A job enqueued through either server runs exactly once (the one worker mails each signer).
    mailbox.clear()
    jobs = []
    for base in (one, two):
        mail = {"subject": f"Thanks from {base}", "body": "See you on Saturday."}
        queued = post(organiser, base, f"/organise/pledges/{pledge_id}/mail", mail)
        assert queued.status_code == 303, queued.text
        jobs.append(queued.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    deadline = time.monotonic() + 30
    for job_id, base in zip(jobs, (two, one), strict=True):
        while organiser.get(f"{base}/jobs/{job_id}.json", timeout=10).json()["status"] != "done":
            assert time.monotonic() < deadline, "a job did not finish"
            time.sleep(0.1)
    time.sleep(0.5)  # a second run, if there were one, would have started mailing by now
    for who in range(24):
        subjects = sorted(m["Subject"] for m in mailbox.to(f"signer{who}@example.org"))
        assert subjects == sorted(f"Thanks from {base}" for base in (one, two))


@pytest.fixture
def add_pledge_row(app) -> Callable[[], int]:  # noqa: ANN001
    """``add_pledge_row()``: store the open pledge "keep-the-buses"; returns its id."""
    from campaignkit.plugins.pledges.models import Pledge
    from campaignkit.plugins.pledges.signing import now

    def add() -> int:
        with app.extensions["campaignkit"].database.write() as session:
            pledge = Pledge(
                slug="keep-the-buses", title="Keep the buses", text="I will ride the 38.",
                goal=100, status="open", signed_count=0, share_text="", created_at=now(),
            )  # fmt: skip
            session.add(pledge)
            session.flush()
            return pledge.id

    return add
