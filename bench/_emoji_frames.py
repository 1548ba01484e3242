"""Parts (b) and (c) of ``bench/emoji.py``: framing a 12-megapixel photo over HTTP.

Builds a throwaway instance with a profile-picture frame (SQLite), starts the
production server (``campaignkit serve``, gunicorn) and, from one client at a
time, measures: the bare route ``/healthz``; a supporter's first upload of a
12-megapixel JPEG (4000 x 3000) answered with the framed preview and the
carried copy; and an 800 x 800 PNG download made from that copy. Prints the
p50 and p95 latency of each and their ratio to the bare route, and (c) the
peak memory (VmHWM) of each server worker before and after.

    python bench/emoji.py            # calls main() here
    python -c "import sys; sys.path.insert(0, 'bench'); import _emoji_frames as f; f.main()"
"""

from __future__ import annotations

import argparse
import io
import re
import signal
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from _server import Client, new_instance, peak_rss_mb, serve, worker_pids
from PIL import Image, ImageDraw

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COPY = re.compile(r'name="copy" value="([^"]+)"')


def make_instance(folder: Path) -> tuple[Path, int]:
    """A new instance with the emoji plugin, no photo-form limit, and one frame; (path, id)."""
    from campaignkit.plugins.emoji.frames import add_frame

    path, app = new_instance(folder, {"emoji": {"frame_rate": "1000000 per minute"}})
    ring = Image.new("RGBA", (800, 800), (90, 30, 120, 255))
    ImageDraw.Draw(ring).ellipse((100, 100, 700, 700), fill=(0, 0, 0, 0))
    out = io.BytesIO()
    ring.save(out, "PNG")
    with app.test_request_context():
        frame_id = add_frame("Bench frame", out.getvalue(), 5_000_000)
    app.extensions["campaignkit"].database.dispose()
    return path, frame_id


def twelve_megapixel_jpeg() -> bytes:
    """A 4000 x 3000 JPEG with gradients and grain, compressed about as a phone's photo is."""
    red = Image.linear_gradient("L").resize((4000, 3000))
    green = Image.radial_gradient("L").resize((4000, 3000))
    blue = Image.effect_noise((4000, 3000), 60)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=90)
    return out.getvalue()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n')  # fmt: skip
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def timed(requests: int, send: Callable[[], bool]) -> tuple[list[float], int]:
    """Latencies in ms of ``requests`` calls of ``send`` (one at a time), and the errors."""
    latencies, errors = [], 0
    for _ in range(requests):
        start = time.perf_counter()
        ok = send()
        latencies.append((time.perf_counter() - start) * 1000)
        errors += not ok
    return latencies, errors


def p50_p95(latencies: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile."""
    cuts = statistics.quantiles(latencies, n=20, method="inclusive")
    return statistics.median(latencies), cuts[18]


def main(argv: list[str] | None = None) -> None:
    """Run parts (b) and (c) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    args = parser.parse_args(argv)
    photo = twelve_megapixel_jpeg()
    with tempfile.TemporaryDirectory() as folder:
        instance, frame_id = make_instance(Path(folder) / "instance")
        server, base = serve(instance, args.workers, args.threads, Path(folder) / "serve.log")
        try:
            client = Client(base)
            page = f"/emoji/frames/{frame_id}"
            token = CSRF.search(client.request("GET", page)[1]).group(1)
            for _ in range(5):  # warm up every worker's imports and templates
                client.request("GET", "/healthz")
                client.request("GET", page)
            workers = worker_pids(server.pid)
            before = {pid: peak_rss_mb(pid) for pid in workers}
            upload_body, upload_type = multipart({"csrf_token": token, "zoom": "1.5"},
                                                 {"photo": ("phone.jpg", photo)})  # fmt: skip
            copy: list[str] = []

            def upload() -> bool:
                status, text = client.request("POST", page, upload_body, upload_type)
                found = COPY.search(text)
                if found and not copy:
                    copy.append(found.group(1))
                return status == 200 and found is not None

            def healthz() -> bool:
                return client.request("GET", "/healthz")[0] == 200

            bare, bare_errors = timed(args.requests, healthz)
            first, first_errors = timed(args.requests, upload)
            download_body, download_type = multipart(
                {"csrf_token": token, "copy": copy[0], "zoom": "1.5", "action": "png"}, {}
            )

            def download() -> bool:
                status, data = client.request_bytes("POST", page, download_body, download_type)
                return status == 200 and Image.open(io.BytesIO(data)).size == (800, 800)

            made, made_errors = timed(args.requests, download)
            after = {pid: peak_rss_mb(pid) for pid in worker_pids(server.pid)}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    bare_p50, bare_p95 = p50_p95(bare)
    print(f"(b) frames over HTTP: {args.workers} workers x {args.threads} threads, "
          f"{args.requests} requests each, one at a time")  # fmt: skip
    print(f"    photo: 4000 x 3000 JPEG, {len(photo) / 2**20:.1f} MB")
    print(f"    bare route (/healthz): p50 {bare_p50:.1f} ms, p95 {bare_p95:.1f} ms, "
          f"{bare_errors} errors")  # fmt: skip
    for label, latencies, errors in (
        ("first upload -> preview", first, first_errors),
        ("PNG download from the copy", made, made_errors),
    ):
        p50, p95 = p50_p95(latencies)
        print(f"    {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {errors} errors; "
              f"ratio to bare p50 {p50 / bare_p50:.0f}x, p95 {p95 / bare_p95:.0f}x")  # fmt: skip
    print("(c) peak memory (VmHWM) of the server workers, before -> after:")
    for pid in sorted(after):
        start = before.get(pid)
        shown = f"{start:.0f}" if start is not None else "(new worker)"
        print(f"    worker {pid}: {shown} MB -> {after[pid]:.0f} MB")
    print(f"    12-megapixel RGB decoded in full would be {4000 * 3000 * 3 / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
