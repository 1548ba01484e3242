"""The limiter's SQLite storage: one count per instance, whoever opens the file, keys hashed."""

from __future__ import annotations

import fcntl
import threading

import pytest
from limits import parse
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from campaignkit.core.ratelimit_storage import RATELIMIT_FILE, SQLiteStorage, storage_uri


def test_two_storages_on_one_file_share_the_count(tmp_path):  # noqa: ANN001
    uri = storage_uri(tmp_path, None)
    first, second = storage_from_string(uri), storage_from_string(uri)
    assert isinstance(first, SQLiteStorage) and (tmp_path / RATELIMIT_FILE).exists()
    limit = parse("5 per minute")
    limiters = [FixedWindowRateLimiter(first), FixedWindowRateLimiter(second)]
    allowed = [limiters[hit % 2].hit(limit, "198.51.100.7") for hit in range(8)]
    assert allowed == [True] * 5 + [False] * 3
    assert limiters[1].hit(limit, "198.51.100.8")  # another address has its own count
    remaining = limiters[0].get_window_stats(limit, "198.51.100.8").remaining
    assert remaining == 4
    limiters[1].clear(limit, "198.51.100.7")
    assert limiters[0].hit(limit, "198.51.100.7")


def test_a_window_that_ended_starts_again(tmp_path):  # noqa: ANN001
    storage = SQLiteStorage(storage_uri(tmp_path, None))
    assert storage.incr("gone", expiry=0) == 1
    assert storage.get("gone") == 0  # its window has already ended
    assert storage.incr("gone", expiry=60, amount=2) == 2  # a new window, not 3
    assert storage.get_expiry("gone") > storage.get_expiry("never hit")
    assert storage.check() and storage.reset() == 1 and storage.get("gone") == 0


def test_threads_lose_no_hits_and_addresses_are_not_written_down(tmp_path):  # noqa: ANN001
    storage = SQLiteStorage(storage_uri(tmp_path, None))
    key = "LIMITER/campaignkit/203.0.113.77/reset"

    def hit_fifty() -> None:
        for _ in range(50):
            storage.incr(key, expiry=60)

    threads = [threading.Thread(target=hit_fifty) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.get(key) == 200
    files = tmp_path.glob(f"{RATELIMIT_FILE}*")
    assert all(b"203.0.113.77" not in path.read_bytes() for path in files)


def test_a_hit_waits_in_line_for_another_processs_write(tmp_path):  # noqa: ANN001
    """Writers take turns on the lock file (queued by the kernel), not on SQLite's polling."""
    storage = SQLiteStorage(storage_uri(tmp_path, None))
    counted = threading.Event()
    with (tmp_path / f"{RATELIMIT_FILE}.write-lock").open("a") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)  # as another worker holding its turn
        waiting = threading.Thread(target=lambda: counted.set() if storage.incr("k", 60) else None)
        waiting.start()
        assert not counted.wait(0.3)
        fcntl.flock(other_process, fcntl.LOCK_UN)
        assert counted.wait(5)
    waiting.join()
    assert storage.get("k") == 1


def test_redis_is_used_when_configured_and_a_path_is_required(tmp_path):  # noqa: ANN001
    assert storage_uri(tmp_path, "redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3"
    with pytest.raises(ConfigurationError):
        SQLiteStorage("campaignkit-sqlite://")
