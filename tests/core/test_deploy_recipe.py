"""docs/deploy/nginx.conf, the deployment recipe's proxy in front of two app servers, is a
config nginx accepts (``nginx -t``), and docs/deployment.md points at it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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


def test_nginx_accepts_the_recipe(tmp_path):  # noqa: ANN001
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed (CI installs it in .ci/run)")
    _self_signed(tmp_path)
    site = tmp_path / "campaign.conf"
    site.write_text(
        RECIPE.read_text(encoding="utf-8").replace(CERTIFICATES, f"{tmp_path}/"), encoding="utf-8"
    )
    main = tmp_path / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(folder=tmp_path, site=site), encoding="utf-8")
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr
