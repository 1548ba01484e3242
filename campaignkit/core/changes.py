"""Named version counters, so "this changed" reaches every worker of every server.

A worker that keeps something changeable (an events snapshot, geocoding
answers) notes ``version(name)`` *before* it reads the data, keeps the
version with what it read, and uses the kept copy only while
``fresh(name, kept_version)``. Whoever changes the data calls
``changed(name)`` once the change is committed. Core's names are listed in
``NAMES``; a plugin uses names that start with its own name
(``"phonebank.zones"``).

- With Redis (``redis_url``): one key per name, bumped with INCR and
  announced on a pub/sub channel. Each worker process listens in one thread
  and keeps the latest versions in memory, so reading a version costs a
  dictionary look-up and a change reaches every worker within milliseconds.
  While the listener is not subscribed (starting, Redis restarting) versions
  are read from Redis on every call; while Redis cannot be reached every
  version reads as new, so nothing kept is used.
- Without Redis (one machine): a small JSON file in the instance folder
  (``changes.json``), replaced atomically on every change and read at most
  once per request (parsed again only once it has been replaced, or every
  half second).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import redis
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaignkit.core.state import app_state, app_store

log = logging.getLogger(__name__)

#: The names core bumps: what each one covers.
NAMES = {
    "events": "any event or RSVP change (created, edited, approved, rejected, cancelled, RSVP)",
    "event_search": "an event's place, times, kind or status (every event change but an RSVP)",
    "places": "imported place data (postcodes): geocoding answers",
}
#: The file that holds the versions when no Redis is configured.
VERSIONS_FILE = "changes.json"
REDIS_TIMEOUT_S = 2.0
RECONNECT_S = 0.5
_STORE = "campaignkit.changes"
#: Versions handed out when the real one cannot be read: each unique, so never "fresh".
_UNKNOWN = itertools.count(-1, -1)
#: A name first counted starts at the time in microseconds, so a wiped store never repeats one.
_BUMP = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local value = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. '=' .. string.format('%.0f', value))
return value
"""


def _start_value() -> int:
    return time.time_ns() // 1000


class RedisVersions:
    """Versions kept in Redis and announced on a pub/sub channel to every listening process."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
        self.prefix, self.channel = prefix, f"{prefix}changes"
        self.known: dict[str, int] = {}
        self.listening = False
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def close(self) -> None:
        """Stop listening (the thread ends within a second); versions are then read from Redis."""
        self._closed.set()

    def _key(self, name: str) -> str:
        return f"{self.prefix}version:{name}"

    def _note(self, name: str, value: int) -> int:
        with self._lock:
            value = max(value, self.known.get(name, value))
            self.known[name] = value
        return value

    def read(self, name: str) -> int:
        """The current version of ``name`` (a unique one when Redis cannot be reached)."""
        self._listen_in_this_process()
        if self.listening and name in self.known:
            return self.known[name]
        try:
            found = self.client.get(self._key(name))
            if found is None:
                self.client.set(self._key(name), _start_value(), nx=True)
                found = self.client.get(self._key(name))
        except redis.RedisError as exc:
            log.warning("changes: Redis cannot be read (%s); nothing kept is used", exc)
            return next(_UNKNOWN)
        return self._note(name, int(found))

    def bump(self, name: str) -> None:
        """Count a change of ``name`` and announce it."""
        self._listen_in_this_process()
        try:
            value = self.client.eval(_BUMP, 1, self._key(name), _start_value(), self.channel, name)
        except redis.RedisError:
            with self._lock:  # this process at least drops what it kept
                self.known[name] = next(_UNKNOWN)
            raise
        self._note(name, int(value))

    def _listen_in_this_process(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self.listening, self.known = os.getpid(), False, {}
        thread = threading.Thread(target=self._listen, name="campaignkit-changes", daemon=True)
        thread.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                self._follow()
            except redis.RedisError as exc:
                log.warning("changes: lost the Redis channel (%s); reconnecting", exc)
            except Exception:  # the thread must go on; readers ask Redis meanwhile
                log.exception("changes: the listener failed; restarting it")
            self.listening = False
            self._closed.wait(RECONNECT_S)

    def _follow(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            pubsub.get_message(timeout=REDIS_TIMEOUT_S)  # the subscription is confirmed
            names = list(self.known)  # re-read after subscribing, so no change falls between
            values = self.client.mget([self._key(name) for name in names]) if names else []
            with self._lock:  # versions only grow: keep the higher of what is known and read
                for name, value in zip(names, values, strict=True):
                    if value is None:  # gone (Redis was emptied): read it afresh when asked
                        self.known.pop(name, None)
                    else:
                        self.known[name] = max(int(value), self.known.get(name, 0))
            self.listening = True
            while not self._closed.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None:
                    name, _, value = message["data"].decode().rpartition("=")
                    self._note(name, int(value))
        finally:
            self.listening = False
            pubsub.close()


class FileVersions:
    """Versions in one JSON file, for the workers of one machine (no Redis).

    A worker parses the file again only when it has been replaced (another
    inode, modification time or size) or its last reading is ``REREAD_S``
    old: a ``stat`` costs a fifth of reading and parsing. The time bound
    covers a replacement that repeats all three (a freed inode number used
    again within the clock's tick, at the same size).
    """

    #: The longest a parsed reading is used without parsing the file again, in seconds.
    REREAD_S = 0.5

    def __init__(self, path: Path) -> None:
        self.path = path
        #: (the file's inode, time and size; when it was read; what it held), or None.
        self._kept: tuple[tuple[int, int, int], float, dict[str, int]] | None = None

    def read_all(self) -> dict[str, int] | None:
        """Every version in the file ({} before the first change; None when unreadable).

        The answer may be shared with other callers: copy it before changing it.
        """
        try:
            status = os.stat(self.path)
            key = (status.st_ino, status.st_mtime_ns, status.st_size)
            kept, now = self._kept, time.monotonic()
            if kept is not None and kept[0] == key and now - kept[1] < self.REREAD_S:
                return kept[2]
            versions = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("changes: %s cannot be read (%s); nothing kept is used", self.path, exc)
            return None
        self._kept = (key, now, versions)
        return versions

    def bump(self, name: str) -> dict[str, int]:
        """Count a change of ``name`` (one writer at a time); returns every version."""
        import fcntl  # POSIX only, like gunicorn

        with self.path.with_suffix(".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            versions = dict(self.read_all() or {})
            versions[name] = versions.get(name, _start_value()) + 1
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".changes-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(versions, out)
            os.replace(temporary, self.path)
        return versions


def backend(app: Flask | None = None) -> RedisVersions | FileVersions:
    """Where the app keeps its versions: Redis when configured, else the instance's file."""
    store = app_store(_STORE, app)
    found = store.get("backend")
    if found is None:
        instance = app_state(app).instance
        if instance.redis_url:
            from campaignkit.core.instance import namespace

            found = RedisVersions(instance.redis_url, f"campaignkit:{namespace(instance)}:")
        else:
            found = FileVersions(instance.path / VERSIONS_FILE)
        found = store.setdefault("backend", found)
    return found


def _file_versions(store: FileVersions) -> dict[str, int] | None:
    if not has_request_context():
        return store.read_all()
    if "ck_versions" not in g:
        g.ck_versions = store.read_all()
    return g.ck_versions


def version(name: str) -> int:
    """The current version of ``name``: note it before reading the data it covers.

    With Redis, a look-up in the worker's memory (kept current by pub/sub);
    without, the versions file is read once per request. When the versions
    cannot be read, each call returns a new number, so nothing kept is used.
    """
    store = backend()
    if isinstance(store, RedisVersions):
        return store.read(name)
    versions = _file_versions(store)
    if versions is None:
        return next(_UNKNOWN)
    return versions.get(name, 0)


def fresh(name: str, seen: int) -> bool:
    """True while ``name`` is still at version ``seen`` (what was kept may be used)."""
    return version(name) == seen


def unreadable(value: int) -> bool:
    """Whether a version was made up because the real one could not be read (Redis down).

    For something costly to read again: it may then keep what it has for a
    moment rather than read it on every request.
    """
    return value < 0


def changed(*names: str) -> None:
    """Tell every worker on every server that what ``names`` cover changed (call after commit).

    Never raises: a store that cannot be reached is logged, and the change
    is still seen here at once; other workers then rely on their own time
    limits (or, with Redis, on reading every version as new while Redis is
    down).
    """
    if not has_app_context():
        return
    store = backend()
    for name in names:
        try:
            if isinstance(store, RedisVersions):
                store.bump(name)
            else:
                versions = store.bump(name)
                if has_request_context():
                    g.ck_versions = versions
        except (redis.RedisError, OSError) as exc:
            log.warning("changes: could not announce a change of %s (%s)", name, exc)


def changed_after_commit(session: Session, *names: str) -> None:
    """Call ``changed(*names)`` once ``session``'s transaction commits (never if it rolls back).

    For code that changes cached data inside a transaction it does not
    commit itself (an importer handed the caller's session).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined] - a proxy

    def announce(_session: Session) -> None:
        with app.app_context():
            changed(*names)

    event.listen(session, "after_commit", announce, once=True)
