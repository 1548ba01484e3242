"""Sign-in throttling that an attacker cannot aim at the owner, shared by every app process.

Failures are counted under three keys, so that no one place can lock an
account everywhere (the policy, in full, is in ``docs/signin.md``):

- **account and source together** (the address; an IPv6 /64 network): after
  ``signin_max_failures`` the source waits ``signin_backoff_seconds``, twice
  that after the next failure, and so on up to ``signin_backoff_max_minutes``;
- **the account**, from everywhere but its known devices: past
  ``signin_max_failures_per_account`` only known devices and reset links get in;
- **the source**, at any accounts: past ``signin_max_failures_per_address`` it
  is refused (known devices still get in).

A browser that has signed in to the account before (a known device) is
counted only by itself, with the same back-off. Failures are kept where
every process sees them: in the database by default, in Redis when
``redis_url`` is set (in the database while Redis is down, so a restart of
Redis stops neither sign-ins nor the throttle). Only sha256 digests of the
address, the email and the device are stored; every key of an account begins
with the same digest, so erasure finds them all.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, func, select

from campaignkit.core.auth.models import SigninFailure, aware, utcnow
from campaignkit.core.config import AccountsSection
from campaignkit.core.db import Database

log = logging.getLogger(__name__)


class FailureStore(Protocol):
    """Where failures are counted."""

    def recent(self, key: str, window_s: int) -> tuple[int, float | None]:
        """Failures under ``key`` in the last ``window_s`` seconds, and the time of the last."""

    def add(self, keys: list[str], window_s: int) -> None:
        """Record one failure under each key."""

    def clear(self, key: str) -> None:
        """Forget the failures under ``key``."""

    def clear_prefix(self, prefix: str) -> None:
        """Forget the failures under every key that starts with ``prefix``."""


class DatabaseFailures:
    """Failures as rows of ``ck_signin_failures``."""

    def __init__(self, database: Database):
        self.database = database

    def recent(self, key: str, window_s: int) -> tuple[int, float | None]:
        """Failures for ``key`` inside the window, and when the last one was."""
        since = utcnow() - timedelta(seconds=window_s)
        where = (SigninFailure.key == key, SigninFailure.at > since)
        with self.database.new_session() as session:
            count, last = session.execute(
                select(func.count(), func.max(SigninFailure.at)).where(*where)
            ).one()
        return count, (aware(last).timestamp() if last is not None else None)

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

    def clear_prefix(self, prefix: str) -> None:
        """Forget the failures under every key starting with ``prefix`` (hex digits only)."""
        with self.database.write() as session:
            session.execute(delete(SigninFailure).where(SigninFailure.key.startswith(prefix)))


class RedisFailures:
    """Failures as sorted sets in Redis, scored by time; in the database while Redis is down."""

    def __init__(self, url: str, namespace: str, fallback: DatabaseFailures):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = f"campaignkit:{namespace}:signin:"
        self.fallback = fallback
        self._down = (redis.ConnectionError, redis.TimeoutError)

    def _unreachable(self, exc: Exception) -> None:
        log.warning("sign-in throttle: Redis failed (%s), counting in the database", exc)

    def recent(self, key: str, window_s: int) -> tuple[int, float | None]:
        """Failures for ``key`` inside the window, and when the last one was."""
        name = self.prefix + key
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, 0, time.time() - window_s)
        pipe.zcard(name)
        pipe.zrange(name, -1, -1, withscores=True)
        try:
            _, count, last = pipe.execute()
        except self._down as exc:
            self._unreachable(exc)
            return self.fallback.recent(key, window_s)
        return int(count), (float(last[0][1]) if last else None)

    def add(self, keys: list[str], window_s: int) -> None:
        """Record one failure under each key."""
        pipe = self.client.pipeline()
        for key in keys:
            name = self.prefix + key
            pipe.zadd(name, {uuid.uuid4().hex: time.time()})
            pipe.expire(name, window_s)
        try:
            pipe.execute()
        except self._down as exc:
            self._unreachable(exc)
            self.fallback.add(keys, window_s)

    def clear(self, key: str) -> None:
        """Forget the failures under ``key`` (in the database too, where an outage left some)."""
        self.fallback.clear(key)
        try:
            self.client.delete(self.prefix + key)
        except self._down as exc:
            self._unreachable(exc)

    def clear_prefix(self, prefix: str) -> None:
        """Forget the failures under every key starting with ``prefix`` (hex digits only)."""
        self.fallback.clear_prefix(prefix)
        names = list(self.client.scan_iter(f"{self.prefix}{prefix}*"))
        if names:
            self.client.delete(*names)


def failure_key(kind: str, value: str) -> str:
    """The stored key for failures of an "account" (email) or an "address" (IP)."""
    return hashlib.sha256(f"{kind}:{value.strip().lower()}".encode()).hexdigest()


def account_prefix(email: str) -> str:
    """The digest every failure key of one account starts with."""
    return failure_key("account", email)[:32]


def source_of(address: str) -> str:
    """The source failures are counted against: the address, or its /64 network for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused before its password is checked."""

    #: "backoff" (this source or device must wait), "account" or "address" (too many failures).
    reason: str
    #: Seconds until trying again can work (for "backoff"; 0 when not known).
    wait_s: int = 0


@dataclass(frozen=True)
class Policy:
    """The throttle's limits, from ``[accounts]``."""

    free_failures: int
    backoff_s: int
    backoff_max_s: int
    per_account: int
    per_address: int
    window_s: int

    def wait_after(self, failures: int) -> int:
        """Seconds to wait after the last of ``failures`` failures (0 while some are free)."""
        beyond = failures - self.free_failures
        if beyond < 0:
            return 0
        return min(self.backoff_s * 2 ** min(beyond, 32), self.backoff_max_s, self.window_s)


class SigninThrottle:
    """Decides whether a sign-in may be tried, and counts the failures."""

    def __init__(self, store: FailureStore, policy: Policy):
        self.store = store
        self.policy = policy

    def _keys(self, email: str, address: str, device: str | None) -> dict[str, str]:
        scope = account_prefix(email)
        if device is not None:
            return {"device": scope + failure_key("device", device)[:32]}
        source = source_of(address)
        return {
            "pair": scope + failure_key("address", source)[:32],
            "account": failure_key("account", email),
            "address": failure_key("address", source),
        }

    def check(self, email: str, address: str, device: str | None = None) -> Refusal | None:
        """None when a sign-in may be tried now, else why not.

        ``device`` is the browser's known-device id when it has signed in to
        this account before, so that only its own failures count.
        """
        keys, policy = self._keys(email, address, device), self.policy
        if device is None:
            if self.store.recent(keys["account"], policy.window_s)[0] >= policy.per_account:
                return Refusal("account")
            if self.store.recent(keys["address"], policy.window_s)[0] >= policy.per_address:
                return Refusal("address")
        count, last = self.store.recent(keys.get("device") or keys["pair"], policy.window_s)
        wait = policy.wait_after(count)
        left = (last or 0) + wait - time.time()
        return Refusal("backoff", max(1, round(left))) if wait and left > 0 else None

    def failed(self, email: str, address: str, device: str | None = None) -> None:
        """Count a failed sign-in (only against the device, when it is a known one)."""
        self.store.add(list(self._keys(email, address, device).values()), self.policy.window_s)

    def succeeded(self, email: str, address: str, device: str | None = None) -> None:
        """Forget this source's (or device's) failures at the account; the others stay counted."""
        keys = self._keys(email, address, device)
        self.store.clear(keys.get("device") or keys["pair"])

    def reset_account(self, email: str) -> None:
        """After the owner proved the address (a reset link): forget the account's own count."""
        self.store.clear(failure_key("account", email))

    def forget_account(self, email: str) -> None:
        """Forget every failure stored for the account (for erasure)."""
        self.store.clear_prefix(account_prefix(email))


def make_throttle(
    database: Database, redis_url: str | None, namespace: str, settings: AccountsSection
) -> SigninThrottle:
    """The throttle for an app: Redis (keys under ``namespace``) if set, else the database
    (and the database while Redis is down)."""
    store: FailureStore = (
        RedisFailures(redis_url, namespace, DatabaseFailures(database))
        if redis_url
        else DatabaseFailures(database)
    )
    policy = Policy(
        free_failures=settings.signin_max_failures,
        backoff_s=settings.signin_backoff_seconds,
        backoff_max_s=settings.signin_backoff_max_minutes * 60,
        per_account=settings.signin_max_failures_per_account,
        per_address=settings.signin_max_failures_per_address,
        window_s=settings.signin_window_minutes * 60,
    )
    return SigninThrottle(store, policy)
