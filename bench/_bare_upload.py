"""Benchmark helper: the ceiling for an upload through gunicorn, a WSGI app that does nothing else.

`app` reads its request body 1 MiB at a time into a file in ``BARE_UPLOAD_FOLDER`` (no
multipart parsing, no framework, no checks), removes it and answers 303, as the upload
form does; `serve_bare` runs it under gunicorn with the worker class and threads that
``campaignkit serve`` uses. What an upload through the real app gets can only be less.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

READ_BYTES = 1024 * 1024


def app(environ: dict, start_response):  # noqa: ANN201 - a WSGI app
    """Write the body to a file, a mebibyte at a time; drop it; answer 303."""
    stream, left = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0)
    with tempfile.NamedTemporaryFile(dir=os.environ["BARE_UPLOAD_FOLDER"]) as out:
        while left > 0 and (block := stream.read(min(READ_BYTES, left))):
            out.write(block)
            left -= len(block)
    start_response("303 See Other", [("Location", "/"), ("Content-Length", "0")])
    return [b""]


def serve_bare(folder: Path, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (one gthread worker) with `app` writing into `folder`; it and its URL."""
    command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "1",
               "--threads", str(threads), "--bind", "127.0.0.1:0", "--chdir",
               str(Path(__file__).parent), "_bare_upload:app"]  # fmt: skip
    handle = log.open("w")
    environ = {**os.environ, "BARE_UPLOAD_FOLDER": str(folder)}
    server = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=environ)
    for _ in range(300):
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found and "Booting worker" in log.read_text():
            time.sleep(1)
            return server, found.group(1)
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the bare server did not start:\n{log.read_text()}")
