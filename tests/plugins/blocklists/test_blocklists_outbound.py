"""The outbound guard: only plain public https servers, except the listed insecure ones."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from campaignkit.plugins.blocklists.outbound import (
    OutboundRefused,
    checked_base_url,
    clean_server,
    guarded_session,
    is_public_address,
)


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0",  # noqa: S104
     "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1",
     "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "::"],
)  # fmt: skip
def test_private_loopback_link_local_multicast_and_reserved_are_refused(address: str):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["1.1.1.1", "151.101.1.140", "2a04:4e42::644"])
def test_public_addresses_pass(address: str):
    assert is_public_address(address)


def test_a_name_resolving_to_loopback_is_refused():
    with pytest.raises(OutboundRefused, match="private or reserved"):
        checked_base_url("https://localhost")
    with pytest.raises(OutboundRefused, match="private or reserved"):
        checked_base_url("https://127.0.0.1")


@pytest.mark.parametrize(
    "url",
    ["http://mastodon.social", "ftp://mastodon.social", "https://user@mastodon.social",
     "https://mastodon.social/path", "https://mastodon.social/?q=1", "mastodon.social"],
)  # fmt: skip
def test_anything_but_a_plain_https_server_is_refused(url: str):
    with pytest.raises(OutboundRefused):
        checked_base_url(url)


def test_a_listed_insecure_server_passes_over_http():
    assert checked_base_url("http://127.0.0.1:8123", ("127.0.0.1:8123",)) == "http://127.0.0.1:8123"
    with pytest.raises(OutboundRefused):
        checked_base_url("http://127.0.0.1:8124", ("127.0.0.1:8123",))


@pytest.mark.parametrize(
    ("typed", "clean"),
    [("mastodon.social", "mastodon.social"), (" https://Mastodon.Social/ ", "mastodon.social"),
     ("bücher.example", "xn--bcher-kva.example")],
)  # fmt: skip
def test_server_names_are_cleaned(typed: str, clean: str):
    assert clean_server(typed) == clean


@pytest.mark.parametrize(
    "typed",
    ["", "@alex@mastodon.social", "mastodon.social/@alex", "localhost", "10.0.0.1",
     "mastodon.social:8080", "a b.example", "mastodon.social?x=1", "-bad.example"],
)  # fmt: skip
def test_anything_but_a_domain_is_refused(typed: str):
    with pytest.raises(OutboundRefused, match="just your server's name"):
        clean_server(typed)


class _Redirect(BaseHTTPRequestHandler):
    """Answers every GET with a redirect to the address in the server's `target`."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(302)
        self.send_header("Location", self.server.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # quiet test output
        pass


@pytest.fixture
def redirector():  # noqa: ANN201
    server = HTTPServer(("127.0.0.1", 0), _Redirect)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_guarded_session_refuses_a_redirect_to_a_private_address(redirector):  # noqa: ANN001
    listed = f"127.0.0.1:{redirector.server_port}"
    redirector.target = "http://127.0.0.1:9/internal"  # not listed: the guard refuses it
    with pytest.raises(OutboundRefused):
        guarded_session((listed,)).get(f"http://{listed}/api/v1/instance", timeout=5)
    redirector.target = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(OutboundRefused):
        guarded_session((listed,)).get(f"http://{listed}/", timeout=5)
    with pytest.raises(OutboundRefused):  # and the first request itself, unlisted
        guarded_session(()).get(f"http://{listed}/", timeout=5)
    plain = requests.get(f"http://{listed}/", allow_redirects=False, timeout=5)
    assert plain.status_code == 302  # the server itself answers; only the guard refuses
