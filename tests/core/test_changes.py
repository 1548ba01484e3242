"""Named versions: a change made in one app (a worker) reaches every other app on the instance.

Two apps built from one instance stand for two worker processes: each has
its own memory (``app_store``) and they share only the instance folder, the
database and, when configured, Redis.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

import pytest
import redis

import campaignkit
from campaignkit.core import changed, clear_place_cache, fresh, geocode, version
from campaignkit.core.changes import FileVersions, backend
from campaignkit.core.geo import Place
from campaignkit.testing import edit_config, free_port

REDIS_ENV = "CAMPAIGNKIT_TEST_REDIS_URL"
HEARD_WITHIN_S = 1.0


class CountingGeocoder:
    """A test geocoder that counts how often it is asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @campaignkit.hookimpl
    def campaignkit_geocode(self, query):
        self.asked.append(query)
        return Place(query, query, 51.501, -0.1416, "postcode")


@pytest.fixture
def campaignkit_plugins() -> list[str]:
    """No built-in plugin: core's versions and the counting geocoder only."""
    return []


@pytest.fixture
def campaignkit_database_url() -> None:
    """SQLite: versions live in Redis or the instance folder, whatever the database."""
    return None


def _heard(app, name: str, seen: int, within_s: float = HEARD_WITHIN_S) -> bool:  # noqa: ANN001
    """Whether ``app`` (a Flask app) sees ``name`` move past ``seen`` within ``within_s``."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        with app.app_context():
            if not fresh(name, seen):
                return True
        time.sleep(0.01)
    return False


def test_without_redis_a_change_in_one_worker_is_seen_by_another_on_its_next_request(make_app):
    first, second = make_app(), make_app()
    with second.test_request_context():
        seen = version("doorknock.streets")
        assert fresh("doorknock.streets", seen)
    with first.test_request_context():
        changed("doorknock.streets")
        assert not fresh("doorknock.streets", seen)  # the changing worker, at once
    with second.test_request_context():
        assert not fresh("doorknock.streets", seen)
        assert version("doorknock.other") == version("doorknock.other")  # others unmoved


def test_geocoding_answers_are_dropped_in_every_worker_after_an_import(make_app):
    geocoder = CountingGeocoder()
    first = make_app(extra_plugins=[("counting", geocoder)])
    second = make_app(extra_plugins=[("counting", geocoder)])
    for app in (first, second, second):
        with app.test_request_context():
            geocode("SW1A 1AA")
    assert len(geocoder.asked) == 2  # one answer kept in each worker
    with first.test_request_context():
        clear_place_cache()  # what an import of postcodes calls once it commits
    with second.test_request_context():
        geocode("SW1A 1AA")
    assert len(geocoder.asked) == 3


def test_an_unreadable_versions_file_keeps_nothing(make_app, instance):
    app = make_app()
    (instance / "changes.json").write_text("{not json", encoding="utf-8")
    with app.test_request_context():
        assert not fresh("events", version("events"))  # each reading is new
    with app.test_request_context():
        changed("events")  # the file is rewritten whole
        assert fresh("events", version("events"))


def test_the_versions_file_is_parsed_again_once_replaced_or_after_half_a_second(
    make_app, instance, monkeypatch
):
    app = make_app()
    with app.app_context():
        changed("events")
        store = backend()
    parsed: list[str] = []
    real_loads = json.loads
    monkeypatch.setattr(
        "campaignkit.core.changes.json.loads", lambda text: parsed.append(text) or real_loads(text)
    )
    first = store.read_all()
    assert store.read_all() == first and len(parsed) == 1  # unchanged: parsed once
    parsed.clear()
    with app.app_context():
        changed("events")  # a new file: read at once, by this worker and every other
    assert store.read_all()["events"] == first["events"] + 1 and len(parsed) == 1
    # A replacement repeating the inode, time and size goes unseen for at most half a second.
    kept_key, kept_at, kept = store._kept
    store._kept = (kept_key, kept_at, {"events": 0})
    assert store.read_all() == {"events": 0}
    store._kept = (kept_key, kept_at - FileVersions.REREAD_S, {"events": 0})
    assert store.read_all()["events"] == first["events"] + 1


@pytest.mark.skipif(not os.environ.get(REDIS_ENV), reason=f"set {REDIS_ENV} to use Redis")
def test_with_redis_every_worker_hears_a_change_within_a_second(make_app, instance):
    edit_config(instance, campaign={"redis_url": os.environ[REDIS_ENV]})
    first, second = make_app(), make_app()
    with second.app_context():
        seen = version("events")
    with second.app_context():  # the listener is subscribed by now: read from memory
        assert _heard(second, "events", seen, within_s=0.1) is False
    for _ in range(3):
        with first.app_context():
            changed("events")
        assert _heard(second, "events", seen)
        assert backend(second).listening  # heard through the channel, still subscribed
        with second.app_context():
            seen = version("events")
    with first.app_context():
        now_first = version("events")
    with second.app_context():
        assert version("events") == now_first
    for app in (first, second):
        backend(app).close()


def test_with_redis_unreachable_nothing_kept_is_used_and_a_change_does_not_fail(make_app, instance):
    edit_config(instance, campaign={"redis_url": "redis://127.0.0.1:9/0"})  # nothing listens
    app = make_app()
    with app.app_context():
        seen = version("events")
        assert not fresh("events", seen)
        changed("events")  # logged, not raised: the change itself was committed
        assert not fresh("events", version("events"))
    backend(app).close()


def _private_redis(port: int) -> subprocess.Popen:
    """A Redis server of this test's own (nothing saved), answering on ``port``."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "the private Redis did not start"
            time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_after_redis_restarts_emptied_workers_hear_changes_again(make_app, instance):
    port = free_port()
    server, apps = _private_redis(port), []
    try:
        edit_config(instance, campaign={"redis_url": f"redis://127.0.0.1:{port}/0"})
        apps = [make_app(), make_app()]
        first, second = apps
        with second.app_context():
            before = version("events")
        server.terminate()
        server.wait(timeout=10)
        # Redis is down: nothing kept may be used once the listener has seen its channel
        # close (at once, unless the machine is too busy to run that thread right away).
        assert _heard(second, "events", before)
        server = _private_redis(port)  # back, and empty: every version starts again
        with second.app_context():
            assert not fresh("events", before)  # never an old number again
        deadline = time.monotonic() + 5
        while not backend(second).listening:  # the listener reconnects by itself
            assert time.monotonic() < deadline, "the listener did not reconnect"
            time.sleep(0.05)
        with second.app_context():
            seen = version("events")
        with first.app_context():
            changed("events")
        assert _heard(second, "events", seen)
    finally:
        for app in apps:
            backend(app).close()
        server.terminate()
        server.wait(timeout=10)
