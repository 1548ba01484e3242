"""Group commit: concurrent submissions share batches, and each gets its own result or error."""

from __future__ import annotations

import threading
import time

import pytest

from campaignkit.plugins.pledges.group_commit import GroupCommit


def test_concurrent_work_is_written_in_shared_batches_with_each_result_returned():
    batches: list[list[int]] = []

    def write(batch):  # noqa: ANN001, ANN202
        time.sleep(0.02)  # a slow commit, so others queue behind it
        batches.append([item.work for item in batch])
        for item in batch:
            if item.work % 7 == 0:
                item.error = ValueError(f"{item.work} refused")
            else:
                item.result = item.work * 10

    queue = GroupCommit(write)
    results: dict[int, object] = {}

    def submit(number: int) -> None:
        try:
            results[number] = queue.submit(number)
        except ValueError as exc:
            results[number] = str(exc)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(n for batch in batches for n in batch) == list(range(1, 41))  # each once
    assert max(len(batch) for batch in batches) > 1  # some shared a transaction
    assert all(results[n] == (f"{n} refused" if n % 7 == 0 else n * 10) for n in range(1, 41))


def test_a_failed_write_fails_every_submission_in_its_batch():
    def write(batch):  # noqa: ANN001, ANN202
        raise RuntimeError("database went away")

    queue = GroupCommit(write)
    with pytest.raises(RuntimeError, match="database went away"):
        queue.submit("one")
    queue_after = GroupCommit(lambda batch: [setattr(i, "result", "ok") for i in batch])
    assert queue_after.submit("two") == "ok"


def test_a_failed_batch_is_written_again_one_by_one_so_only_the_bad_item_fails():
    written: list[list[str]] = []

    def write(batch):  # noqa: ANN001, ANN202
        if any(item.work == "bad" for item in batch):
            raise RuntimeError("rolled back")  # the whole transaction fails
        written.append([item.work for item in batch])
        for item in batch:
            item.result = f"{item.work} stored"

    queue = GroupCommit(write)
    results: dict[str, object] = {}
    with queue._turn:  # hold the writer turn so all three queue into one batch
        threads = [
            threading.Thread(target=lambda w=w: results.update({w: _submit(queue, w)}))
            for w in ("one", "bad", "two")
        ]
        for thread in threads:
            thread.start()
        while len(queue._queue) < 3:
            time.sleep(0.001)
    for thread in threads:
        thread.join()
    assert results == {"one": "one stored", "bad": "rolled back", "two": "two stored"}
    assert sorted(written) == [["one"], ["two"]]  # retried alone after the batch failed


def _submit(queue: GroupCommit, work: str) -> object:
    try:
        return queue.submit(work)
    except RuntimeError as exc:
        return str(exc)
