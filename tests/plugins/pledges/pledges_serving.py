"""Helpers for tests that sign pledges over real HTTP against ``campaignkit serve``."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from campaignkit.testing import CSRF_FIELD

CAMPAIGNKIT = Path(sys.executable).with_name("campaignkit")


def start_server(instance: Path, log: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """Start ``campaignkit serve`` in a process group of its own; returns it and its base URL."""
    command = [str(CAMPAIGNKIT), "--instance", str(instance), "serve"]
    command += ["--bind", "127.0.0.1:0", "--workers", str(workers)]
    with log.open("w") as handle:
        server = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited early:\n{log.read_text()}")
        listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if listening:
            base = listening.group(1)
            try:
                status, _ = Signer(base).get("/healthz")
                if status == 200:
                    return server, base
            except OSError:
                pass
        time.sleep(0.1)
    server.kill()
    raise AssertionError(f"serve did not answer:\n{log.read_text()}")


class Signer:
    """One browser-like client: keeps its cookies (by name) and the form's CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.connection: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = None
            raise OSError(f"the request failed: {exc!r}") from exc
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        """GET a path: status and body."""
        return self._request("GET", path)

    def open_form(self, slug: str) -> None:
        """Load the pledge page, keeping its CSRF token and session cookie."""
        _status, text = self.get(f"/pledges/{slug}")
        self.token = CSRF_FIELD.search(text).group(1)

    def sign(self, slug: str, email: str, name: str = "Sam Signer") -> int:
        """Post the signing form; returns the status (303 is success)."""
        form = {
            "csrf_token": self.token, "name": name, "email": email, "postcode": "SW1A 1AA",
            "consent": "yes",
        }  # fmt: skip
        return self._request("POST", f"/pledges/{slug}/sign", urlencode(form))[0]
