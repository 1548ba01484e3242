"""Benchmark: a 1 GB video upload over HTTP to ``campaignkit serve``, and a cut tus upload.

Builds a throwaway instance with the videos plugin and an approved producer, starts the
production server (gunicorn, one worker so its memory is the upload's) and:

(a) uploads a 1 GB file through the plain HTML form (multipart, streamed into the store),
    and prints the throughput as a ratio to copying the same file on the same disk
    (target >= 0.5) and the worker's peak memory above its idle memory (target <= 64 MB).
    The copy is timed in the same run, before and after the upload, and the fastest
    is the baseline. Like the upload, it reads the source the bench has just written
    (from the page cache) and leaves its writes in the page cache; a copy that waits
    for the disk (fsync) is printed too, labelled, but the ratio is to the plain copy. Also
    printed for reference: the ceiling, the same upload to a bare WSGI app under gunicorn
    that only writes the body to a file (bench/_bare_upload.py);
(b) uploads the file with tus, cutting the connection (a TCP reset) half-way through the
    PATCH, asks where it stands (HEAD) and sends the rest: the bytes sent twice as a
    fraction of the file (target <= 0.02).

    python bench/videos.py [--megabytes 1024] [--threads 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import tomlkit
from _bare_upload import serve_bare
from _server import peak_rss_mb, serve, worker_pids

from campaignkit.core.app import create_app
from campaignkit.core.auth.accounts import create_user
from campaignkit.core.init_instance import init_instance
from campaignkit.plugins.videos.models import Producer, Submission
from campaignkit.testing import FAST_HASHING, isolated_environ, migrate

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
EMAIL, PASSWORD = "producer@example.org", "bench-password-1234"
BLOCK = 1024 * 1024


def make_instance(folder: Path) -> Path:
    """A new instance with the videos plugin, no submission limit and an approved producer."""
    path = init_instance(folder, kit="uk", name="Bench")
    config = path / "campaign.toml"
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    document["accounts"] = {**document.get("accounts", {}), **FAST_HASHING}
    document["campaign"]["plugins"] = ["share", "marginals", "videos"]  # what the bench needs
    plugins = document.setdefault("plugins", tomlkit.table())
    plugins["videos"] = {"submit_rate": "1000000 per minute"}
    config.write_text(tomlkit.dumps(document), encoding="utf-8")
    app = migrate(create_app(path, environ=isolated_environ()))
    with app.test_request_context():
        user = create_user(EMAIL, PASSWORD, "producer", approved=True, verified=True,
                           joined_via="bench")  # fmt: skip
    moment = datetime.now(UTC)
    with app.extensions["campaignkit"].database.write() as session:
        session.add(Producer(user_id=user.id, credit_name="Bench", status="approved",
                             created_at=moment, updated_at=moment))  # fmt: skip
    app.extensions["campaignkit"].database.dispose()
    return path


def make_file(path: Path, megabytes: int) -> None:
    """A file of random-looking bytes (one random megabyte, varied per block)."""
    block = bytearray(os.urandom(BLOCK))
    with path.open("wb") as out:
        for number in range(megabytes):
            block[:8] = number.to_bytes(8, "big")
            out.write(block)


class Session:
    """A signed-in browser, as far as the server can tell: every cookie it set, and a token."""

    def __init__(self, base: str) -> None:
        self.netloc = urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.token = ""

    @property
    def cookie(self) -> str:
        """The Cookie header to send."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        """One request with the cookies (a form body if given); status and text."""
        connection = http.client.HTTPConnection(self.netloc, timeout=60)
        headers = {"Cookie": self.cookie}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, text


def signed_in(base: str) -> Session:
    """A session signed in as the producer, holding a CSRF token."""
    session = Session(base)
    token = CSRF.search(session.request("GET", "/signin")[1]).group(1)
    form = urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    status, _ = session.request("POST", "/signin", form)
    assert status == 302, f"signing in failed ({status})"
    status, page = session.request("GET", "/videos/media/upload")
    assert status == 200, f"the upload form did not open ({status}): {page[:300]}"
    session.token = CSRF.search(page).group(1)
    return session


def form_upload(base: str, client: Session, source: Path) -> float:
    """Upload `source` through the plain form, streamed from disk; returns the seconds taken."""
    boundary = "bench-boundary-7d3f"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{client.token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\""
            f"\r\n\r\nBench\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f'filename="bench.mp4"\r\nContent-Type: video/mp4\r\n\r\n').encode()  # fmt: skip
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = source.stat().st_size

    def body():  # noqa: ANN202 - the request body, a block at a time
        yield head
        with source.open("rb") as stream:
            while block := stream.read(BLOCK):
                yield block
        yield tail

    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    started = time.monotonic()
    connection.request("POST", "/videos/media/upload", body=body(), headers={
        "Cookie": client.cookie, "Content-Length": str(len(head) + size + len(tail)),
        "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    response = connection.getresponse()
    response.read()
    taken = time.monotonic() - started
    assert response.status == 303, f"the upload failed ({response.status})"
    return taken


def disk_copy(source: Path, target: Path, *, sync: bool = False) -> float:
    """Seconds to copy `source` to `target` on the same disk (`sync`: until it is on the disk)."""
    started = time.monotonic()
    shutil.copyfile(source, target)
    if sync:
        with target.open("rb") as copied:
            os.fsync(copied.fileno())
    taken = time.monotonic() - started
    target.unlink()
    return taken


def cached_share(path: Path) -> str:
    """How much of `path` is in the page cache, as ``fincore`` (util-linux) tells; "" without it."""
    if not shutil.which("fincore"):
        return ""
    found = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    resident = found.stdout.strip()
    return f"{int(resident) / path.stat().st_size:.0%}" if resident.isdigit() else ""


def tus_cut_and_resume(base: str, client: Session, source: Path) -> tuple[int, int]:
    """Upload with tus, reset the connection half-way, resume; (bytes sent, file size)."""
    size, parts = source.stat().st_size, urlsplit(base)
    auth = {"Cookie": client.cookie, "X-CSRFToken": client.token, "Tus-Resumable": "1.0.0"}
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    creation = {**auth, "Upload-Length": str(size), "Upload-Metadata": "filename YmVuY2gubXA0"}
    connection.request("POST", "/videos/media/tus/", headers=creation)
    created = connection.getresponse()
    created.read()
    path = created.getheader("Location")
    head = (f"PATCH {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {size}\r\n"
            "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in auth.items()) + "\r\n").encode()  # fmt: skip
    sent = 0
    with socket.create_connection((parts.hostname, parts.port)) as line, source.open("rb") as data:
        line.sendall(head)
        while sent < size // 2:
            block = data.read(BLOCK)
            try:
                line.sendall(block)
            except OSError:
                raise SystemExit(f"the server stopped the PATCH: {line.recv(2000)!r}") from None
            sent += len(block)
        # a reset, not a polite close: whatever the server had not read yet is lost
        line.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    offset = -1
    for _ in range(100):
        time.sleep(0.2)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.request("HEAD", path, headers=auth)
        answer = connection.getresponse()
        answer.read()
        now_at = int(answer.getheader("Upload-Offset"))
        if now_at == offset:
            break
        offset = now_at
    with source.open("rb") as data:
        data.seek(offset)
        remaining = size - offset

        def rest():  # noqa: ANN202
            while block := data.read(BLOCK):
                yield block

        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        connection.request("PATCH", path, body=rest(), headers={
            **auth, "Content-Length": str(remaining), "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream"})  # fmt: skip
        finished = connection.getresponse()
        finished.read()
    assert finished.status == 204, f"the resumed upload failed ({finished.status})"
    return sent + remaining, size


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=4, help="threads of the one worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = make_instance(Path(folder) / "instance")
        source = Path(folder) / "source.bin"
        make_file(source, args.megabytes)
        copy_to = Path(folder) / "copy.bin"
        copies = [disk_copy(source, copy_to) for _ in range(2)]
        cached = cached_share(source)
        bare, bare_base = serve_bare(Path(folder), args.threads, Path(folder) / "bare.log")
        try:  # the fastest of two: a ceiling
            bare_s = min(form_upload(bare_base, Session(bare_base), source) for _ in range(2))
        finally:
            bare.send_signal(signal.SIGTERM)
            bare.wait(timeout=30)
        server, base = serve(instance, 1, args.threads, Path(folder) / "serve.log")
        try:
            client = signed_in(base)
            [worker] = worker_pids(server.pid)
            idle_mb = peak_rss_mb(worker)
            upload_s = form_upload(base, client, source)
            peak_mb = peak_rss_mb(worker)
            sent, size = tus_cut_and_resume(base, client, source)
            tus_peak_mb = peak_rss_mb(worker)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        copies.append(disk_copy(source, copy_to))
        synced_s = disk_copy(source, copy_to, sync=True)
        app = create_app(instance, environ=isolated_environ())
        with app.extensions["campaignkit"].database.new_session() as session:
            stored = [row.file_size for row in session.query(Submission)]
        app.extensions["campaignkit"].database.dispose()
    megabytes, copy_s = args.megabytes, min(copies)
    print(f"file {megabytes} MB; stored uploads: {stored}; load average {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs")  # fmt: skip
    print(f"disk copy (shutil.copyfile): {copy_s:.2f} s ({megabytes / copy_s:.0f} MB/s), fastest of"
          f" {', '.join(f'{s:.2f}' for s in copies)} s (two before the upload, one after); source"
          f" read from the page cache ({cached or 'share unknown'} resident), copy left in the"
          " page cache (no fsync), as the upload is")  # fmt: skip
    print(f"form upload over HTTP: {upload_s:.2f} s ({megabytes / upload_s:.0f} MB/s)")
    print(f"ratio upload/copy: {copy_s / upload_s:.2f} (target >= 0.5)")
    print(f"for reference only, the ceiling: the same upload to a bare WSGI app under gunicorn"
          f" that only writes the body to a file: {bare_s:.2f} s ({megabytes / bare_s:.0f} MB/s),"
          f" ratio to the copy {copy_s / bare_s:.2f}; the app's upload gets"
          f" {bare_s / upload_s:.2f} of its throughput")  # fmt: skip
    print(
        f"for reference only, a copy waiting for the disk (fsync): {synced_s:.2f} s"
        f" ({megabytes / synced_s:.0f} MB/s); upload/that copy {synced_s / upload_s:.2f}"
    )
    print(f"worker memory: idle peak {idle_mb:.1f} MB, after the upload {peak_mb:.1f} MB,"
          f" above idle {peak_mb - idle_mb:.1f} MB (target <= 64)")  # fmt: skip
    print(f"tus cut half-way and resumed: sent {sent} bytes for {size},"
          f" sent again {(sent - size) / size:.4f} of the file (target <= 0.02);"
          f" worker peak after tus {tus_peak_mb:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
