"""``rate_limited``: how often one address may post to a view, for core and plugins alike.

The app's Flask-Limiter holds the storage (a SQLite file of the instance, or
Redis when ``redis_url`` is set) and the fixed-window strategy; a limited view
counts its own hits there directly, one ``hit`` per limit, without Flask-Limiter's
per-request bookkeeping (a hot form such as pledge signing pays about a millisecond
less). The rate is a string such as ``"5 per hour"`` or a function that reads it
from a setting when a request comes. GETs are not limited (so a form always shows)
unless a view that writes on GET asks for it. Turning the limiter off
(``limiter.enabled = False``) turns these limits off too.

While the storage cannot be reached (Redis down), each worker counts in its
own memory for ``RETRY_SECONDS`` at a time, then tries the storage again, as
Flask-Limiter's in-memory fallback does for its own limits: a limited form
keeps working, and keeps being limited, instead of failing with a 500.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter
from werkzeug.exceptions import TooManyRequests

from campaignkit.core.instance import namespace
from campaignkit.core.state import app_store, current_instance, limiter

#: What counts are kept under, before the instance, the view and the address (or ``key``'s answer).
KEY_SCOPE = "campaignkit.rate_limited"
_STORE = "campaignkit.rate_limited"
#: How long a worker counts in memory after the storage failed, before trying it again.
RETRY_SECONDS = 5.0
_log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=256)
def parsed_rate(rate: str) -> tuple[RateLimitItem, ...]:
    """The limits of a rate in Flask-Limiter's notation (``"10 per hour;100 per day"``)."""
    return tuple(parse_many(rate))


def rate_limited(
    rate: str | Callable[[], str],
    key: Callable[[], str] | None = None,
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[Callable], Callable]:
    """Limit how often one address may POST to the decorated view; more is answered 429.

    Put it under the route decorator::

        @bp.route("/sign", methods=["GET", "POST"])
        @rate_limited(lambda: plugin_settings("pledges").sign_rate)
        def sign(): ...

    ``rate`` is in Flask-Limiter's notation (``"10 per hour;100 per day"``);
    a function is called for each request, inside it, so it may read settings.
    ``key``, when given, is called in the request and returns what is counted
    instead of the address (the signed-in person's id, say).
    ``methods`` are the methods counted: POSTs only unless a view that writes on
    GET (such as a counted short link) names ``("GET",)`` too.
    """
    counted = frozenset(method.upper() for method in methods)

    def decorate(view: Callable) -> Callable:
        scope = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def limited(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if request.method in counted:
                _count_hit(scope, rate() if callable(rate) else rate, key)
            return view(*args, **kwargs)

        return limited

    return decorate


def _count_hit(scope: str, rate: str, key: Callable[[], str] | None) -> None:
    """Count one hit against each limit of ``rate``; a 429 naming the first one exceeded."""
    app_limiter = limiter(current_app)
    if not app_limiter.enabled:
        return
    store = app_store(_STORE)
    instance_key = store.get("namespace") or store.setdefault(
        "namespace", namespace(current_instance())
    )
    who = key() if key is not None else get_remote_address()
    for item in parsed_rate(rate):
        if not _hit(store, app_limiter.limiter, item, (instance_key, scope, who)):
            raise TooManyRequests(description=str(item))


def _hit(store: dict, strategy: RateLimiter, item: RateLimitItem, keys: tuple[str, ...]) -> bool:
    """One hit in the limiter's storage, or in this worker's memory while that storage is down."""
    if time.monotonic() >= store.get("storage_down_until", 0.0):
        try:
            return strategy.hit(item, KEY_SCOPE, *keys)
        except Exception:  # noqa: BLE001 - any storage failure: count in memory instead
            _log.warning("rate-limit storage unreachable; counting in memory", exc_info=True)
            store["storage_down_until"] = time.monotonic() + RETRY_SECONDS
    memory = store.get("memory") or store.setdefault(
        "memory", FixedWindowRateLimiter(MemoryStorage())
    )
    return memory.hit(item, KEY_SCOPE, *keys)
