"""Benchmark: what checking "has this changed?" costs per request, against a bare request.

A worker that keeps something (an events snapshot, geocoding answers) must
learn of a change made anywhere. Two ways were measured, in one process:

- **MGET per request**: read every version key from Redis with one ``MGET``
  on each request that uses a cache (a network round trip each time);
- **pub/sub** (what ``campaignkit.core.changes`` does with Redis): a
  listener thread keeps the versions in memory, so a request reads a
  dictionary; a change costs one ``PUBLISH`` and arrives in the listener
  after a delay, measured here too;
- **file** (no Redis): the versions file read once per request.

The baseline is a bare request (``/healthz``'s route without its checks:
a plain Flask view through the test client), timed in the same run.

    CAMPAIGNKIT_BENCH_REDIS_URL=redis://127.0.0.1:6379/0 python -u bench/changes.py [--rounds 5000]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

import _path  # noqa: F401  (before the plugins load: bench/ goes to the end of sys.path)
import redis
from flask import Flask

from campaignkit.core.app import create_app
from campaignkit.core.changes import NAMES, FileVersions, backend, changed, version
from campaignkit.core.init_instance import init_instance
from campaignkit.testing import edit_config, isolated_environ, migrate


def per_call_us(action, rounds: int) -> float:  # noqa: ANN001 - a callable
    """Median microseconds per call of ``action`` over five batches of ``rounds``."""
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            action()
        batches.append((time.perf_counter() - start) / rounds * 1e6)
    return statistics.median(batches)


def bare_request_us(rounds: int) -> float:
    """A plain Flask view through the test client: the floor every request pays."""
    app = Flask("bare")
    app.add_url_rule("/bare", "bare", lambda: "ok")
    client = app.test_client()
    return per_call_us(lambda: client.get("/bare"), rounds)


def app_on(folder: Path, redis_url: str | None) -> Path:
    """A new migrated instance (SQLite), on Redis if given; returns its folder."""
    instance = init_instance(folder, kit="uk", name="Bench", plugins=[])
    if redis_url:
        edit_config(instance, campaign={"redis_url": redis_url})
    migrate(create_app(instance, environ=isolated_environ()))
    return instance


def worker(instance: Path) -> Flask:
    """One more app on the instance: a worker process of its own, as far as versions go."""
    return create_app(instance, environ=isolated_environ())


def delivery_ms(writer: Flask, reader: Flask, changes: int = 200) -> list[float]:
    """Milliseconds from ``changed()`` in one worker to the new version in another's memory."""
    delays = []
    for _ in range(changes):
        with reader.app_context():
            before = version("events")
        start = time.perf_counter()
        with writer.app_context():
            changed("events")
        with reader.app_context():
            while version("events") == before:
                pass
        delays.append((time.perf_counter() - start) * 1000)
    return delays


def share(us: float, bare: float) -> str:
    """``us`` and its share of a bare request, for printing."""
    return f"{us:.2f} µs ({us / bare:.3f} of a bare request)"


def main() -> None:
    """Measure every way in this process and print each as a share of a bare request."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the bare instances have no geocoder; that is fine here
    url = os.environ.get("CAMPAIGNKIT_BENCH_REDIS_URL") or os.environ.get(
        "CAMPAIGNKIT_TEST_REDIS_URL"
    )
    bare = bare_request_us(args.rounds)
    print(f"bare request: {bare:.1f} µs")
    with tempfile.TemporaryDirectory() as folder:
        on_file = worker(app_on(Path(folder) / "file", None))
        with on_file.app_context():
            changed("events", "places")
            store = backend()
            assert isinstance(store, FileVersions)
        print("file, read once per request:", share(per_call_us(store.read_all, args.rounds), bare))
        if not url:
            print("(set CAMPAIGNKIT_BENCH_REDIS_URL or CAMPAIGNKIT_TEST_REDIS_URL for Redis)")
            return
        client = redis.Redis.from_url(url)
        keys = [f"bench:version:{name}" for name in (*NAMES, "phonebank.zones")]
        client.mset(dict.fromkeys(keys, 1))
        mget = per_call_us(lambda: client.mget(keys), args.rounds)
        print(f"Redis MGET of {len(keys)} versions per request:", share(mget, bare))
        client.delete(*keys)
        instance = app_on(Path(folder) / "redis", url)
        writer, reader = worker(instance), worker(instance)
        with reader.app_context():
            version("events")
            time.sleep(0.5)  # the listener subscribes
            memory = per_call_us(lambda: version("events"), args.rounds)
        print("pub/sub, a version read from memory:", share(memory, bare))
        delays = sorted(delivery_ms(writer, reader))
        print(f"pub/sub, a change reaching another worker: median"
              f" {statistics.median(delays):.2f} ms, p99 {delays[int(len(delays) * 0.99) - 1]:.2f}"
              f" ms, max {delays[-1]:.2f} ms")  # fmt: skip
        print(f"MGET per request / pub/sub read: {mget / memory:.0f}x")
        for app in (writer, reader):
            with app.app_context():
                backend().close()


if __name__ == "__main__":
    main()
