"""docs/deploy/nginx.conf, the deployment recipe's proxy in front of two app servers: nginx
accepts it (``nginx -t``), and run in front of two live app servers on one database it
spreads requests over both, goes on when one stops and drops forged hosts."""

from __future__ import annotations

import http.client
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from campaignkit.testing import edit_config, free_port

DOCS = Path(__file__).resolve().parents[2] / "docs"
RECIPE = DOCS / "deploy" / "nginx.conf"
CERTIFICATES = "/etc/letsencrypt/live/riverside.example.org/"
#: nginx's own files under the test's folder, so the check needs no /etc/nginx or /var.
MAIN_CONFIG = """\
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
"""


def _self_signed(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "riverside.example.org")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_deployment_doc_ships_the_nginx_recipe():
    guide = (DOCS / "deployment.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in guide
    recipe = RECIPE.read_text(encoding="utf-8")
    assert recipe.count("server 10.0.0.1") == 2  # two app servers in the upstream
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in recipe


def _nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found is None:
        pytest.skip("nginx is not installed (CI installs it in .ci/run)")
    return found


def _configure(folder: Path, replacements: dict[str, str] | None = None) -> Path:
    """The recipe under a main config of the test's own; returns the main config's path."""
    _self_signed(folder)
    recipe = RECIPE.read_text(encoding="utf-8").replace(CERTIFICATES, f"{folder}/")
    for old, new in (replacements or {}).items():
        assert old in recipe, old
        recipe = recipe.replace(old, new)
    site = folder / "campaign.conf"
    site.write_text(recipe, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(folder=folder, site=site), encoding="utf-8")
    return main


def test_nginx_accepts_the_recipe(tmp_path):  # noqa: ANN001
    nginx = _nginx()
    main = _configure(tmp_path)
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


class _Site(http.client.HTTPSConnection):
    """https to nginx on 127.0.0.1 as if to the site's name (SNI and Host)."""

    def __init__(self, port: int) -> None:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # self-signed
        super().__init__("riverside.example.org", port, context=context, timeout=10)

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    site = _Site(port)
    try:
        site.request("GET", path, headers={"Host": host} if host else {})
        answer = site.getresponse()
        return answer.status, answer.read().decode()
    finally:
        site.close()


def _serve(app, hits: Counter, name: str):  # noqa: ANN001, ANN202
    def counted(environ, start_response):  # noqa: ANN001, ANN202
        hits[name] += 1
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counted, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.mark.slow
def test_two_app_servers_behind_the_recipe(instance, make_app, tmp_path):  # noqa: ANN001
    nginx = _nginx()
    server = {"public_url": "https://riverside.example.org", "trusted_proxy_hops": 1}
    edit_config(instance, server={**server, "allowed_hosts": ["riverside.example.org"]})
    hits: Counter[str] = Counter()
    first, second = _serve(make_app(), hits, "first"), _serve(make_app(), hits, "second")
    plain, secure = free_port(), free_port()
    main = _configure(
        tmp_path,
        {
            "server 10.0.0.11:8000": f"server 127.0.0.1:{first.server_port}",
            "server 10.0.0.12:8000": f"server 127.0.0.1:{second.server_port}",
            "listen 80 default_server;": f"listen 127.0.0.1:{plain} default_server;",
            "listen 443 ssl default_server;": f"listen 127.0.0.1:{secure} ssl default_server;",
            "listen 80;": f"listen 127.0.0.1:{plain};",
            "listen 443 ssl;": f"listen 127.0.0.1:{secure} ssl;",
        },
    )
    command = [nginx, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"]
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", secure), timeout=1).close()
                break
            except OSError:
                assert proxy.poll() is None and time.monotonic() < deadline, proxy.stdout.read()
                time.sleep(0.05)
        answers = [_get(secure, "/healthz") for _ in range(10)]
        assert all(status == 200 and '"ok"' in body for status, body in answers), answers
        assert hits["first"] >= 2 and hits["second"] >= 2, hits  # both servers answer
        status, page = _get(secure, "/")
        assert status == 200 and "Test campaign" in page

        first.shutdown()
        first.server_close()
        answers = [_get(secure, "/healthz")[0] for _ in range(6)]
        assert answers == [200] * 6  # the other server takes every request
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            _get(secure, "/healthz", host="evil.example.org")  # 444: closed, no answer
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        second.shutdown()
        second.server_close()
