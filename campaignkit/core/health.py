"""What ``/healthz`` checks: the database and, when configured, Redis.

Each check answers ``"ok"`` or a short reason (the kind of failure, never an
address or a password); the full error goes to the log.
"""

from __future__ import annotations

import logging

import redis
from sqlalchemy import text

from campaignkit.core.state import app_state, app_store

log = logging.getLogger(__name__)
#: How long a health check waits for Redis before calling it down, in seconds.
REDIS_TIMEOUT_S = 1.0
_STORE = "campaignkit.health"


def _database() -> str:
    try:
        with app_state().database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the database is not usable
        log.warning("health check: the database failed: %s", exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def database_unreachable(error: Exception) -> bool:
    """Whether a database error means the database cannot be reached now (it is down or
    restarting), rather than a fault in one query: the connection broke, or it does not
    answer a ``SELECT 1``."""
    return bool(getattr(error, "connection_invalidated", False)) or _database() != "ok"


def _redis_client(url: str) -> redis.Redis:
    """This worker's client for ``url``, made on first use.

    The URL and its client are stored together, in one assignment: request threads
    check Redis at the same moment, and none may find the URL without its client.
    """
    store = app_store(_STORE)
    kept = store.get("redis")
    if kept is None or kept[0] != url:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
        kept = store["redis"] = (url, client)
    return kept[1]


def _redis(url: str) -> str:
    try:
        _redis_client(url).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means Redis is not usable
        log.warning("health check: Redis failed: %s", exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def health_checks() -> dict[str, str]:
    """Each part the site needs, ``"ok"`` or what is wrong with it (inside a request)."""
    checks = {"database": _database()}
    url = app_state().instance.redis_url
    checks["redis"] = _redis(url) if url else "not configured"
    return checks


def failing(checks: dict[str, str]) -> list[str]:
    """The parts whose check did not pass."""
    return [part for part, result in checks.items() if result not in ("ok", "not configured")]
