"""``campaignkit serve`` trusts forwarded headers only as ``[server] trusted_proxy_hops`` says.

gunicorn on its own believes ``X-Forwarded-Proto`` from 127.0.0.1; with no
trusted proxy, a local client claiming https must still be served as http
(no HSTS header, no Secure cookie).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from campaignkit.testing import edit_config

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")
START_S = 60  # a generous bound: a loaded machine (or a parallel run) starts Python slowly


def _start(instance: Path, log: Path) -> tuple[subprocess.Popen, str]:
    command = [str(CAMPAIGNKIT), "--instance", str(instance), "serve"]
    command += ["--bind", "127.0.0.1:0", "--workers", "1", "--threads", "1"]
    with log.open("w") as handle:
        server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited early:\n{log.read_text()}")
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if listening:
            try:
                urllib.request.urlopen(f"{listening.group(1)}/healthz", timeout=2).close()  # noqa: S310
                return server, listening.group(1)
            except OSError:
                pass
        time.sleep(0.1)
    server.kill()
    raise AssertionError(f"serve did not answer:\n{log.read_text()}")


@pytest.mark.slow
@pytest.mark.parametrize(("hops", "seen_as_https"), [(0, False), (1, True)])
def test_forwarded_proto_counts_only_through_the_configured_proxy_hops(
    instance, make_app, backend, tmp_path, hops, seen_as_https
):  # noqa: ANN001
    if backend != "sqlite":
        pytest.skip("headers do not depend on the database: tested once, with SQLite")
    edit_config(instance, server={"trusted_proxy_hops": hops})
    make_app()  # creates the database
    server, base = _start(instance, tmp_path / "serve.log")
    try:
        request = urllib.request.Request(  # noqa: S310
            f"{base}/signin", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            headers = response.headers
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert ("Strict-Transport-Security" in headers) is seen_as_https
    cookie = headers["Set-Cookie"]
    assert cookie and ("Secure" in cookie) is seen_as_https
