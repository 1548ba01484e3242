"""Sign-in lockout holds across app processes: two real servers, real HTTP, alternating.

Each server sees at most two of the three failures itself, so a throttle kept
in process memory would never lock; the shared store (the database, or Redis
when configured) must. Every browser here comes from 127.0.0.1, the
attacker's own source, so the back-off for that account and source applies.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from campaignkit.testing import CSRF_FIELD, TEST_PASSWORD

pytestmark = pytest.mark.slow

REDIS_ENV = "CAMPAIGNKIT_TEST_REDIS_URL"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _serve(instance: Path, port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-c", "from campaignkit.cli import main; main()",
        "--instance", str(instance), "run", "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with log.open("wb") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=os.environ)


def _wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60  # generous: a loaded machine starts Python slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server on {port} did not start:\n{log.read_text()}")


class Browser:
    """One visitor: a cookie jar shared by both servers (cookies ignore the port)."""

    def __init__(self):
        jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirects()
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, str]:
        """GET (or POST ``data`` as a form); returns the status and body."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, base: str, email: str, password: str) -> tuple[int, str]:
        """Fetch the form from ``base`` for a CSRF token, then post it there."""
        _, form = self.open(f"{base}/signin")
        token = CSRF_FIELD.search(form).group(1)
        data = {"email": email, "password": password, "csrf_token": token}
        return self.open(f"{base}/signin", data)


@pytest.mark.parametrize("store", ["database", "redis"])
@pytest.mark.parametrize("accounts_settings", [{"signin_max_failures": 3}])
def test_lockout_holds_across_two_server_processes(
    instance,
    backend,
    configure,
    make_app,
    make_user,
    tmp_path,
    store,
    unused_port,  # noqa: ANN001
):
    if store == "redis":
        if backend != "sqlite":
            pytest.skip("the Redis store is tested once, with SQLite")
        if not os.environ.get(REDIS_ENV):
            pytest.skip(f"set {REDIS_ENV} to test the Redis store")
        configure(campaign={"redis_url": os.environ[REDIS_ENV]})
    make_app()
    make_user("target@example.org")
    make_user("bystander@example.org")
    ports = [unused_port(), unused_port()]
    with ExitStack() as stack:
        for index, port in enumerate(ports):
            log = tmp_path / f"server-{index}.log"
            process = _serve(instance, port, log)
            stack.callback(process.wait, 10)
            stack.callback(process.terminate)
            _wait_until_up(port, process, log)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        attacker = Browser()
        for base in (first, second, first):
            status, page = attacker.sign_in(base, "target@example.org", "guess " + base[-5:])
            assert status == 200 and "do not match" in page
        for base in (second, first):
            status, page = Browser().sign_in(base, "target@example.org", TEST_PASSWORD)
            assert status == 429, base
            assert "Too many failed sign-in attempts" in page
        status, _ = Browser().sign_in(second, "bystander@example.org", TEST_PASSWORD)
        assert status == 302  # other accounts are not locked


@pytest.mark.parametrize("accounts_settings", [{"reset_rate": "3 per hour"}])
def test_a_rate_limit_holds_across_two_server_processes_without_redis(
    instance,
    backend,
    make_app,
    tmp_path,
    unused_port,  # noqa: ANN001
):
    if backend != "sqlite":
        pytest.skip("the limiter's store does not depend on the database: tested once")
    make_app()
    ports = [unused_port(), unused_port()]
    with ExitStack() as stack:
        for index, port in enumerate(ports):
            log = tmp_path / f"server-{index}.log"
            process = _serve(instance, port, log)
            stack.callback(process.wait, 10)
            stack.callback(process.terminate)
            _wait_until_up(port, process, log)
        visitor = Browser()
        statuses = []
        for attempt in range(6):
            base = f"http://127.0.0.1:{ports[attempt % 2]}"
            _, form = visitor.open(f"{base}/reset")
            data = {"email": "nobody@example.org", "csrf_token": CSRF_FIELD.search(form).group(1)}
            statuses.append(visitor.open(f"{base}/reset", data)[0])
    assert statuses == [302, 302, 302, 429, 429, 429]  # three in all, not three per process
