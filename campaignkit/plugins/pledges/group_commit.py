"""Group commit: signatures arriving together in one process share one transaction.

Each request thread adds its signature to a queue and waits for the writer
turn; whoever gets the turn writes every signature queued so far in one
transaction, and each thread returns once the transaction holding its own
signature has committed. Nothing is acknowledged before its commit, so the
durability promise is unchanged, while the begin, commit, write lock and
count update are paid once per batch instead of once per signature.
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
    ``error``; if it raises, every item of the batch gets that error (the
    transaction was rolled back, so none of them was stored).
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
                    self.write(batch)
                except BaseException as exc:  # rolled back: nobody in the batch is stored
                    for pending in batch:
                        pending.error = pending.error or exc
                    raise
                finally:
                    for pending in batch:
                        pending.done = True
        if item.error is not None:
            raise item.error
        return item.result
