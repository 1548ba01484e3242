"""pytest fixtures for campaignkit and its plugins (loaded through the ``pytest11`` entry point).

Every fixture is prefixed ``ck_`` so it cannot clash with another pytest
plugin's ``app`` or ``client`` in the same environment; ``docs/plugins.md``
describes each one.

- the instance: ``ck_instance`` (a fresh instance folder), ``ck_app`` (its
  Flask app, database migrated), ``ck_client`` (a test client), ``ck_cli``
  (run a ``campaignkit`` command against the instance, migrated first as
  ``campaignkit init`` does), ``ck_make_app`` (more apps, optionally with
  plugin objects registered) and ``ck_immediate_jobs`` (background jobs run
  inside ``enqueue``);
- places and events: ``ck_geocoder`` (a geocoder plugin with a few fixed
  places, to register with ``ck_make_app``) and ``ck_make_event`` (save an
  approved campaign event, which calls ``campaignkit_event_changed``);
- accounts: ``ck_make_user``, ``ck_login`` (sign a test client in through
  the real form), ``ck_csrf_token``, and signed-in test clients:
  ``ck_signed_in`` (any role), ``ck_organiser`` and ``ck_volunteer``;
- mail: ``ck_smtp_server`` (a real aiosmtpd server for the run) and
  ``ck_mailbox`` (what it received, emptied per test);
- real HTTP: ``ck_live_server`` (``ck_app`` served by a threaded server on a
  free port, for clients that speak HTTP themselves).

Helpers: ``edit_config``, ``free_port``, ``cli_runner``, ``migrate``,
``CSRF_FIELD`` and ``FAST_HASHING``. Override these to shape the instance:

- ``campaignkit_kit``: the kit name (default ``"uk"``)
- ``campaignkit_plugins``: the enabled plugins (default: the kit's list)
- ``campaignkit_database_url``: a database URL (default: SQLite in the instance)
"""

from __future__ import annotations

import email
import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from click.testing import CliRunner, Result
from flask import Flask
from huey import Huey
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from campaignkit.core.app import create_app
from campaignkit.core.config import ENVIRONMENT_SECRETS
from campaignkit.core.init_instance import init_instance
from campaignkit.testing_databases import migrate, migrate_test_database  # noqa: F401
from campaignkit.testing_places import (  # noqa: F401 - fixtures, registered by importing them
    FixedGeocoder,
    ck_geocoder,
    ck_make_event,
)


@pytest.fixture
def campaignkit_kit() -> str:
    """The kit the test instance is made from."""
    return "uk"


@pytest.fixture
def campaignkit_plugins() -> list[str] | None:
    """The plugins enabled in the test instance (None: the kit's list)."""
    return None


@pytest.fixture
def campaignkit_database_url() -> str | None:
    """The test instance's database URL (None: a SQLite file in the instance)."""
    return None


@pytest.fixture
def ck_instance(
    tmp_path: Path,
    campaignkit_kit: str,
    campaignkit_plugins: list[str] | None,
    campaignkit_database_url: str | None,
) -> Path:
    """A new instance folder made as ``campaignkit init`` makes one, with cheap password
    hashing (``FAST_HASHING``): the real settings cost most of a second per account."""
    folder = init_instance(
        tmp_path / "instance",
        kit=campaignkit_kit,
        name="Test campaign",
        database_url=campaignkit_database_url,
        plugins=campaignkit_plugins,
    )
    edit_config(folder, accounts=FAST_HASHING)
    return folder


#: Variables that would point a test at another instance, database or queue.
INSTANCE_VARIABLES = ("CAMPAIGNKIT_INSTANCE",) + tuple(
    name for names in ENVIRONMENT_SECRETS.values() for name in names
)


def isolated_environ() -> dict[str, str]:
    """The process environment without the variables that would point a test elsewhere.

    A developer's own ``DATABASE_URL`` or ``CAMPAIGNKIT_SECRET_KEY`` must not
    leak into the test instance, which gets everything from its own folder.
    """
    return {key: value for key, value in os.environ.items() if key not in INSTANCE_VARIABLES}


@pytest.fixture
def ck_make_app(ck_instance: Path) -> Iterator[Callable[..., Flask]]:
    """Build apps for the test instance, optionally with extra plugin objects registered."""
    built: list[Flask] = []

    def build(extra_plugins: Iterable[tuple[str, Any]] = (), **kwargs: Any) -> Flask:
        kwargs.setdefault("environ", isolated_environ())
        app = create_app(ck_instance, extra_plugins=extra_plugins, testing=True, **kwargs)
        migrate_test_database(app)
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["campaignkit"].database.dispose()


@pytest.fixture
def ck_app(ck_make_app: Callable[..., Flask]) -> Flask:
    """The test instance's app, database migrated."""
    return ck_make_app()


@pytest.fixture
def ck_rows(ck_app: Flask) -> Callable[..., list[Any]]:
    """``ck_rows(Model, **filters)``: a model's stored rows (in id order when it has an id),
    read in a new session and detached from it, so a test can look at what was saved."""

    def read(model: Any, **filters: Any) -> list[Any]:
        query = select(model).filter_by(**filters)
        if hasattr(model, "id"):
            query = query.order_by(model.id)
        with ck_app.extensions["campaignkit"].database.new_session() as session:
            found = list(session.scalars(query))
            for row in found:
                session.expunge(row)
            return found

    return read


@pytest.fixture
def ck_client(ck_app: Flask):  # noqa: ANN201 - FlaskClient
    """A test client for ``ck_app``."""
    return ck_app.test_client()


@pytest.fixture
def ck_immediate_jobs(ck_app: Flask) -> Iterator[Huey]:
    """Run ``ck_app``'s background jobs at once, inside ``enqueue``, instead of on a worker."""
    huey = ck_app.extensions["campaignkit"].huey
    huey.immediate = True
    yield huey
    huey.immediate = False


@pytest.fixture
def ck_cli(ck_instance: Path) -> Callable[..., Result]:
    """Run ``campaignkit --instance <the test instance> ARGS...`` and return click's Result.

    The instance's database is migrated first, as ``campaignkit init`` leaves it.
    """
    app = migrate_test_database(create_app(ck_instance, environ=isolated_environ(), testing=True))
    app.extensions["campaignkit"].database.dispose()
    return cli_runner(ck_instance)


def cli_runner(instance_dir: Path) -> Callable[..., Result]:
    """``run(*args, input=None)``: a ``campaignkit`` command against an instance, as it is."""
    from campaignkit.cli import main

    def run(*args: str, input: str | None = None) -> Result:  # noqa: A002 - click's name
        runner = CliRunner(env=dict.fromkeys(INSTANCE_VARIABLES))
        return runner.invoke(main, ["--instance", str(instance_dir), *args], input=input)

    return run


#: The password ``ck_make_user`` gives accounts unless told otherwise.
TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - for test accounts only
#: The CSRF token in a page's form: ``CSRF_FIELD.search(html)[1]``.
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def ck_make_user(ck_app: Flask) -> Callable[..., Any]:
    """Create an account: ``ck_make_user(email, role="supporter", password=TEST_PASSWORD)``.

    Keyword arguments ``approved`` and ``verified`` (both True by default)
    set the membership and address state. Returns the (detached) user row.
    """
    from campaignkit.core.auth.accounts import create_user

    def create(
        email: str = "member@example.org",
        role: str = "supporter",
        password: str | None = TEST_PASSWORD,
        *,
        approved: bool = True,
        verified: bool = True,
    ) -> Any:
        with ck_app.test_request_context():
            return create_user(
                email, password, role, approved=approved, verified=verified, joined_via="test"
            )

    return create


@pytest.fixture
def ck_csrf_token() -> Callable[..., str]:
    """``ck_csrf_token(client)``: a CSRF token valid for the client's session (read from a form)."""

    def token(client: Any) -> str:
        page = client.get("/signout").get_data(as_text=True)
        found = CSRF_FIELD.search(page)
        assert found, "no CSRF token on /signout"
        return found.group(1)

    return token


@pytest.fixture
def ck_login(ck_csrf_token: Callable[..., str]) -> Callable[..., Any]:
    """``ck_login(client, user_or_email, password=TEST_PASSWORD)``: sign in through the form."""

    def sign_in(client: Any, user: Any, password: str = TEST_PASSWORD) -> Any:
        email = getattr(user, "email", user)
        data = {"email": email, "password": password, "csrf_token": ck_csrf_token(client)}
        response = client.post("/signin", data=data)
        assert response.status_code == 302, f"signing in {email} failed ({response.status_code})"
        return response

    return sign_in


@pytest.fixture
def ck_signed_in(
    ck_app: Flask, ck_make_user: Callable[..., Any], ck_login: Callable[..., Any]
) -> Callable[..., Any]:
    """``ck_signed_in(email, role="supporter")``: a new test client of ``ck_app``, signed in
    through the form as a new account with that role; the account is its ``user``."""

    def make(email: str = "member@example.org", role: str = "supporter") -> Any:
        client = ck_app.test_client()
        client.user = ck_make_user(email, role=role)
        ck_login(client, client.user)
        return client

    return make


@pytest.fixture
def ck_organiser(ck_signed_in: Callable[..., Any]) -> Any:
    """A test client signed in as the organiser ``org@example.org``."""
    return ck_signed_in("org@example.org", role="organiser")


@pytest.fixture
def ck_volunteer(ck_signed_in: Callable[..., Any]) -> Callable[..., Any]:
    """``ck_volunteer(email="vol@example.org", role="volunteer")``: a signed-in client
    (``ck_signed_in`` with a volunteer's defaults)."""

    def make(email: str = "vol@example.org", role: str = "volunteer") -> Any:
        return ck_signed_in(email, role=role)

    return make


# ---------------------------------------------------------------- mail and settings

#: Cheap argon2 settings for ``[accounts]`` so suites stay fast (the defaults are RFC 9106's).
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free 127.0.0.1 port in a thread for a with block; yields its URL.

    The local fakes of third-party APIs (Telegram's Bot API, X, Mastodon, Bluesky) run on
    this: real HTTP for the real client libraries, stopped and closed when the block ends.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietRequests(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access-log lines in the test output."""


@pytest.fixture
def ck_live_server(ck_app: Flask) -> Iterator[str]:
    """``ck_app`` served by a threaded HTTP server on a free 127.0.0.1 port; yields its URL."""
    server = make_server("127.0.0.1", 0, ck_app, threaded=True, request_handler=_QuietRequests)
    server.request_queue_size = 128
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def free_port() -> int:
    """A localhost TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def edit_config(instance_dir: Path, **sections: dict) -> None:
    """Merge tables into an instance's ``campaign.toml`` (dotted names for sub-tables)."""
    path = Path(instance_dir) / "campaign.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    for name, values in sections.items():
        table = document
        for part in name.split("."):
            table = table.setdefault(part, tomlkit.table())
        for key, value in values.items():
            table[key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


class Mailbox:
    """What the test SMTP server received, in order."""

    LINK = re.compile(r"https?://\S+")

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        """aiosmtpd calls this for every message it accepts."""
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def clear(self) -> None:
        """Forget every message."""
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        """Messages sent to an address."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The first link in the latest message to an address."""
        messages = self.to(address)
        assert messages, f"no mail to {address}"
        return self.LINK.search(messages[-1].get_content()).group(0)


@pytest.fixture(scope="session")
def ck_smtp_server():  # noqa: ANN201 - an aiosmtpd Controller
    """A real SMTP server (aiosmtpd, a test extra) on localhost for the whole run.

    Point an instance at it with ``edit_config(ck_instance, mail={"host": "127.0.0.1",
    "port": ck_smtp_server.port, "starttls": False})``.
    """
    from aiosmtpd.controller import Controller

    controller = Controller(Mailbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def ck_mailbox(ck_smtp_server) -> Mailbox:  # noqa: ANN001
    """The test SMTP server's mailbox, emptied for this test."""
    ck_smtp_server.handler.clear()
    return ck_smtp_server.handler
