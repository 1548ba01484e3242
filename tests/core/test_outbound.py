"""Core's outbound guard, against local servers: refused addresses, redirects, time and size."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
import urllib3

from campaignkit.core import OutboundRefused, checked_url, guarded_get
from campaignkit.testing import local_http_server


class _Fake(BaseHTTPRequestHandler):
    """/ok answers JSON; /to?u=X redirects to X; /drip never finishes; /big is 2 MB."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/to?u="):
            self.send_response(302)
            self.send_header("Location", self.path[len("/to?u=") :])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):  # a byte every 50 ms: each read is quick, the whole is not
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(2 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 2 * 1024 * 1024)
        else:
            body = b'{"title": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def fake() -> str:  # the fake's base URL, e.g. http://127.0.0.1:PORT
    with local_http_server(_Fake) as url:
        yield url


def _listed(url: str) -> tuple[str, ...]:
    return (url.split("://", 1)[1],)


def test_a_listed_local_server_answers_and_an_unlisted_one_is_refused(fake: str):
    assert guarded_get(f"{fake}/ok", insecure_servers=_listed(fake)).json() == {"title": "ok"}
    with pytest.raises(OutboundRefused, match="https"):
        guarded_get(f"{fake}/ok")
    https_loopback = fake.replace("http://", "https://")
    with pytest.raises(OutboundRefused, match="private or reserved"):
        guarded_get(f"{https_loopback}/ok")


def test_literal_refused_addresses_are_refused_without_connecting(monkeypatch):  # noqa: ANN001
    connections = []
    monkeypatch.setattr(
        urllib3.util.connection, "create_connection", lambda *args, **kw: connections.append(args)
    )
    for url in ("https://169.254.169.254/latest/meta-data/", "https://127.0.0.1/",
                "https://[::1]/", "https://10.0.0.8/", "https://224.0.0.1/",
                "https://[::ffff:192.168.1.1]/", "https://[fe80::1]/"):  # fmt: skip
        with pytest.raises(OutboundRefused, match="private or reserved"):
            guarded_get(url)
    assert connections == []


def test_a_redirect_to_a_refused_address_is_refused(fake: str):
    listed = _listed(fake)
    for target in ("http://169.254.169.254/latest/meta-data/", "https://127.0.0.1:9/",
                   "http://127.0.0.1:9/internal"):  # fmt: skip
        with pytest.raises(OutboundRefused):
            guarded_get(f"{fake}/to?u={target}", insecure_servers=listed)
    assert guarded_get(f"{fake}/to?u={fake}/ok", insecure_servers=listed).status_code == 200


def test_a_page_that_never_finishes_times_out_and_a_big_one_is_cut(fake: str):
    started = time.monotonic()
    with pytest.raises(OutboundRefused, match="did not answer in 0.5 seconds"):
        guarded_get(f"{fake}/drip", insecure_servers=_listed(fake), timeout_s=0.5)
    assert time.monotonic() - started < 2
    with pytest.raises(OutboundRefused, match="more than"):
        guarded_get(f"{fake}/big", insecure_servers=_listed(fake), max_bytes=1024 * 1024)


def test_user_names_and_other_schemes_are_refused():
    for url in ("ftp://example.org/x", "https://user:pw@example.org/", "example.org", ""):
        with pytest.raises(OutboundRefused):
            checked_url(url)


def test_a_server_that_accepts_but_never_answers_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    address = f"127.0.0.1:{listener.getsockname()[1]}"
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        with pytest.raises(OutboundRefused, match="did not answer"):
            guarded_get(f"http://{address}/", insecure_servers=(address,), timeout_s=0.3)
    finally:
        listener.close()
