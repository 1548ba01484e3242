"""``campaignkit serve``: gunicorn with two workers answers real HTTP and stops on SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from campaignkit.testing import edit_config

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")
START_S = 60  # a generous bound: a loaded machine (or a parallel run) starts Python slowly
STOP_S = 30
METRICS_TOKEN = "scrape-" + "0123456789abcdef" * 2
HEALTH_CHECKS = 12


def fetch(url: str, token: str | None = None) -> tuple[int, str, str]:
    """GET a URL: status, content type and body (errors included, never raised)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=5
        ) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.mark.slow
def test_serve_answers_http_with_two_workers_and_stops_on_sigterm(app, instance, tmp_path):
    # Port 0: the OS picks a free port as gunicorn binds it, and gunicorn logs which.
    # (Picking a free port first and passing it races with every other process.)
    edit_config(instance, server={"metrics_token": METRICS_TOKEN})
    log = tmp_path / "serve.log"
    command = [str(CAMPAIGNKIT), "--instance", str(instance), "serve"]
    command += ["--bind", "127.0.0.1:0", "--workers", "2"]
    with log.open("w") as handle:
        server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_S
        base = None
        while True:
            if server.poll() is not None:
                raise AssertionError(f"serve exited early:\n{log.read_text()}")
            listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
            base = base or (listening and listening.group(1))
            try:
                if base:
                    status, content_type, body = fetch(f"{base}/healthz")
                    break
            except OSError:  # workers not answering yet
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"serve did not answer:\n{log.read_text()}")
            time.sleep(0.1)
        assert (status, content_type) == (200, "application/json")
        dialect = app.extensions["campaignkit"].database.engine.dialect.name
        health = json.loads(body)
        assert (health["status"], health["database"], health["failing"]) == ("ok", dialect, [])

        # Both workers count into one set of metrics, so a scrape sees every request.
        for _ in range(HEALTH_CHECKS):
            assert fetch(f"{base}/healthz")[0] == 200
        assert fetch(f"{base}/metrics")[0] == 401
        status, content_type, text = fetch(f"{base}/metrics", METRICS_TOKEN)
        assert status == 200 and content_type.startswith("text/plain"), text
        counted = re.search(
            r'campaignkit_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)',
            text,
        )
        assert counted and float(counted[1]) >= HEALTH_CHECKS + 1, text
        assert "campaignkit_jobs_queued 0.0" in text

        status, content_type, body = fetch(f"{base}/")
        assert status == 200
        assert content_type.startswith("text/html")
        assert "Test campaign" in body
        assert fetch(f"{base}/jobs/no-such-job.json")[:2] == (404, "application/json")

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=STOP_S) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    output = log.read_text()
    assert output.count("Booting worker") == 2
    assert "Traceback" not in output
    assert "Shutting down" in output
    assert "Control socket" not in output  # none shared with other instances of this user
    with pytest.raises(OSError):  # nothing listens any more
        fetch(f"{base}/healthz")
