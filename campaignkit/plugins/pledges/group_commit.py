"""Group commit: signatures arriving together in one process share one transaction.

Each request thread adds its signature to a queue and waits for the writer
turn; whoever gets the turn writes every signature queued so far in one
transaction, and each thread returns once the transaction holding its own
signature has committed. Nothing is acknowledged before its commit, so the
durability promise is unchanged, while the begin, commit, write lock and
count update are paid once per batch instead of once per signature.

When a batch's transaction fails, nothing in it was stored, so each of its
items is written again on its own: one bad item gets its error, and every
other one is stored and answered as if it had come alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Pending:
    """One queued piece of work and, once written, its result or error."""

    work: Any
    result: Any = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupCommit:
    """Runs ``write(batch)`` for queued items, many at a time, one batch after another.

    ``write`` gets a list of Pending items and sets each one's ``result`` or
    ``error``; if it raises (the transaction was rolled back, so none of them
    was stored), each item of a batch of several is written again alone, and
    an item whose own write raises gets that error.
    """

    write: Callable[[list[Pending]], None]
    _queue: list[Pending] = field(default_factory=list)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock)
    _turn: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, work: Any) -> Any:
        """Queue ``work``, wait until the batch holding it is committed; its result."""
        item = Pending(work)
        with self._queue_lock:
            self._queue.append(item)
        with self._turn:
            if not item.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    self._write_isolated(batch)
                finally:
                    for pending in batch:
                        pending.done = True
        if item.error is not None:
            raise item.error
        return item.result

    def _write_isolated(self, batch: list[Pending]) -> None:
        """Write the batch; if its transaction fails, write each item in a transaction of its own.

        An interruption (a BaseException such as SystemExit) is not retried: every
        item not yet written gets it as its error, and it is raised again.
        """
        try:
            self.write(batch)
            return
        except Exception as exc:  # rolled back: nobody in the batch is stored
            if len(batch) == 1:
                _fail(batch, exc)
                return
        except BaseException as exc:
            _fail(batch, exc)
            raise
        for number, pending in enumerate(batch):
            pending.result, pending.error = None, None
            try:
                self.write([pending])
            except Exception as exc:  # this item's own failure, and no one else's
                _fail([pending], exc)
            except BaseException as exc:
                _fail(batch[number:], exc)
                raise


def _fail(items: list[Pending], error: BaseException) -> None:
    """Mark items as not stored: no result, and their own error if they had one, else ``error``."""
    for pending in items:
        pending.result, pending.error = None, pending.error or error
