"""Benchmark helpers: start the production server (``campaignkit serve``), talk to it over
HTTP, read its workers.

Not a benchmark itself (bench/_*.py are helpers); the scripts import it.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")


class Client:
    """One client: a keep-alive connection, its session cookie and CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookie, self.token = "", ""

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
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
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
            time.sleep(1)
            return server, found.group(1)
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


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
