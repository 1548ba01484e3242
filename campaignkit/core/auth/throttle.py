"""Sign-in throttling per account and per address, shared by every app process.

Failures are kept where every process sees them: in the database by default,
in Redis when ``redis_url`` is set; never in process memory. Only sha256
hashes of the address and the email are stored. Once either count reaches
its limit inside the window, sign-in is refused without checking the
password, until old failures leave the window.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, func, select

from campaignkit.core.auth.models import SigninFailure, utcnow
from campaignkit.core.config import AccountsSection
from campaignkit.core.db import Database


class FailureStore(Protocol):
    """Where failures are counted."""

    def count(self, key: str, window_s: int) -> int:
        """Failures recorded under ``key`` in the last ``window_s`` seconds."""

    def add(self, keys: list[str], window_s: int) -> None:
        """Record one failure under each key."""

    def clear(self, key: str) -> None:
        """Forget the failures under ``key``."""


class DatabaseFailures:
    """Failures as rows of ``ck_signin_failures``."""

    def __init__(self, database: Database):
        self.database = database

    def count(self, key: str, window_s: int) -> int:
        """Failures for ``key`` inside the window."""
        since = utcnow() - timedelta(seconds=window_s)
        with self.database.new_session() as session:
            query = select(func.count()).where(SigninFailure.key == key, SigninFailure.at > since)
            return session.scalar(query) or 0

    def add(self, keys: list[str], window_s: int) -> None:
        """Record one failure under each key, dropping failures older than the window."""
        now = utcnow()
        with self.database.write() as session:
            session.execute(
                delete(SigninFailure).where(SigninFailure.at < now - timedelta(seconds=window_s))
            )
            session.add_all(SigninFailure(key=key, at=now) for key in keys)

    def clear(self, key: str) -> None:
        """Forget the failures under ``key``."""
        with self.database.write() as session:
            session.execute(delete(SigninFailure).where(SigninFailure.key == key))


class RedisFailures:
    """Failures as sorted sets in Redis, scored by time."""

    def __init__(self, url: str, namespace: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = f"campaignkit:{namespace}:signin:"

    def count(self, key: str, window_s: int) -> int:
        """Failures for ``key`` inside the window."""
        name = self.prefix + key
        self.client.zremrangebyscore(name, 0, time.time() - window_s)
        return int(self.client.zcard(name))

    def add(self, keys: list[str], window_s: int) -> None:
        """Record one failure under each key."""
        pipe = self.client.pipeline()
        for key in keys:
            name = self.prefix + key
            pipe.zadd(name, {uuid.uuid4().hex: time.time()})
            pipe.expire(name, window_s)
        pipe.execute()

    def clear(self, key: str) -> None:
        """Forget the failures under ``key``."""
        self.client.delete(self.prefix + key)


def failure_key(kind: str, value: str) -> str:
    """The stored key for failures of an "account" (email) or an "address" (IP)."""
    return hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()


class SigninThrottle:
    """Counts failed sign-ins per account and per address against configured limits."""

    def __init__(self, store: FailureStore, per_account: int, per_address: int, window_s: int):
        self.store = store
        self.per_account = per_account
        self.per_address = per_address
        self.window_s = window_s

    def locked(self, email: str, address: str) -> bool:
        """True when this account or this address has too many recent failures."""
        return (
            self.store.count(failure_key("account", email), self.window_s) >= self.per_account
            or self.store.count(failure_key("address", address), self.window_s) >= self.per_address
        )

    def failed(self, email: str, address: str) -> None:
        """Count a failed sign-in against the account and the address."""
        self.store.add(
            [failure_key("account", email), failure_key("address", address)], self.window_s
        )

    def succeeded(self, email: str) -> None:
        """Forget the account's failures (the address's stay counted)."""
        self.store.clear(failure_key("account", email))


def make_throttle(
    database: Database, redis_url: str | None, namespace: str, settings: AccountsSection
) -> SigninThrottle:
    """The throttle for an app: Redis (keys under ``namespace``) if set, else the database."""
    store: FailureStore = (
        RedisFailures(redis_url, namespace) if redis_url else DatabaseFailures(database)
    )
    return SigninThrottle(
        store,
        settings.signin_max_failures,
        settings.signin_max_failures_per_address,
        settings.signin_window_minutes * 60,
    )
