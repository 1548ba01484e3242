"""``rate_limited``: how often one address may post to a view, for core and plugins alike.

The app's Flask-Limiter holds the storage (a SQLite file of the instance, or
Redis when ``redis_url`` is set) and the fixed-window strategy; a limited view
counts its own hits there directly, one ``hit`` per limit, without Flask-Limiter's
per-request bookkeeping (a hot form such as pledge signing pays about a millisecond
less). The rate is a string such as ``"5 per hour"`` or a function that reads it
from a setting when a request comes. GETs are not limited (so a form always shows)
unless a view that writes on GET asks for it. Turning the limiter off
(``limiter.enabled = False``) turns these limits off too.

A view that groups writes (pledge signing's group commit) may count its hits
the same way: ``rate_limited(..., deferred=True)`` leaves the hit uncounted when
the view starts; the view takes it with ``deferred_hit()``, hands it to whatever
writes for several requests at once, and that writer counts the group with
``count_hits`` before it writes anything: one increment per address for the
group instead of one, and one wait for the storage's write turn, per request.
A hit the view did not get counted (a form refused before the write) is counted
when the view returns, and a 429 then replaces its answer.

While the storage cannot be reached (Redis down), each worker counts in its
own memory for ``RETRY_SECONDS`` at a time, then tries the storage again, as
Flask-Limiter's in-memory fallback does for its own limits: a limited form
keeps working, and keeps being limited, instead of failing with a 500.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
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
    *,
    deferred: bool = False,
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
    ``deferred``: the view counts the hit itself, with others, before it writes
    (``deferred_hit`` and ``count_hits``); if it has not when it returns, the hit
    is counted then, and past the limit a 429 replaces the view's answer.
    """
    counted = frozenset(method.upper() for method in methods)

    def decorate(view: Callable) -> Callable:
        scope = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def limited(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if request.method not in counted:
                return view(*args, **kwargs)
            hit = _new_hit(scope, rate() if callable(rate) else rate, key)
            if not deferred:
                _count_now(hit)
                return view(*args, **kwargs)
            g.ck_deferred_hit = hit
            try:
                return view(*args, **kwargs)
            finally:
                g.pop("ck_deferred_hit", None)
                _count_now(hit)  # unless the view counted it

        return limited

    return decorate


@dataclass(eq=False)
class DeferredHit:
    """One request's hit on a ``rate_limited(..., deferred=True)`` view, to count later.

    ``count_hits`` counts it (``counted``) and, past a limit, keeps the 429 to
    answer with (``refused``); ``check()`` raises that 429.
    """

    limits: tuple[RateLimitItem, ...]
    #: What the hit is counted under: the instance, the view and the address (or ``key``).
    keys: tuple[str, str, str]
    counted: bool = False
    refused: TooManyRequests | None = None

    def check(self) -> None:
        """Raise the 429 if counting found this hit past a limit."""
        if self.refused is not None:
            raise self.refused


def deferred_hit() -> DeferredHit | None:
    """In a ``rate_limited(..., deferred=True)`` view: this request's hit, for ``count_hits``.

    None when nothing is counted (the limiter is off, or the method is not limited).
    """
    return g.get("ck_deferred_hit")


def count_hits(hits: Iterable[DeferredHit | None]) -> None:
    """Count hits not yet counted, those of one address and view together; each gets its
    answer (``refused`` past a limit, in the order given, as if counted one by one).

    Call it in a request (or an app context), before writing for any of them.
    """
    groups: dict[tuple, list[DeferredHit]] = {}
    for hit in hits:
        if hit is not None and not hit.counted:
            groups.setdefault((hit.keys, hit.limits), []).append(hit)
    if not groups:
        return
    store, storage = app_store(_STORE), limiter(current_app).limiter.storage
    for (keys, limits), group in groups.items():
        allowed = group
        for item in limits:
            if not allowed:
                break
            total = _increment(store, storage, item, keys, len(allowed))
            within = max(0, min(len(allowed), item.amount - (total - len(allowed))))
            for refused in allowed[within:]:
                refused.refused = TooManyRequests(description=str(item))
            allowed = allowed[:within]
        for hit in group:
            hit.counted = True


def _new_hit(scope: str, rate: str, key: Callable[[], str] | None) -> DeferredHit | None:
    """The request's hit on ``rate`` for view ``scope``, uncounted; None if the limiter is off."""
    if not limiter(current_app).enabled:
        return None
    who = key() if key is not None else get_remote_address()
    return DeferredHit(parsed_rate(rate), (_instance_key(), scope, who))


def _instance_key() -> str:
    store = app_store(_STORE)
    return store.get("namespace") or store.setdefault("namespace", namespace(current_instance()))


def _count_now(hit: DeferredHit | None) -> None:
    """Count a hit not counted yet, on its own; raises the 429 if it is past a limit."""
    if hit is not None and not hit.counted:
        count_hits([hit])
        hit.check()


def _increment(
    store: dict, storage: Storage, item: RateLimitItem, keys: tuple[str, ...], amount: int
) -> int:
    """Add ``amount`` hits to a limit's counter and return its count in the current window
    (as Flask-Limiter's fixed window counts), in this worker's memory while the storage is
    down."""
    counter, expiry = item.key_for(KEY_SCOPE, *keys), item.get_expiry()
    if time.monotonic() >= store.get("storage_down_until", 0.0):
        try:
            return storage.incr(counter, expiry, amount=amount)
        except Exception:  # noqa: BLE001 - any storage failure: count in memory instead
            _log.warning("rate-limit storage unreachable; counting in memory", exc_info=True)
            store["storage_down_until"] = time.monotonic() + RETRY_SECONDS
    memory = store.get("memory") or store.setdefault("memory", MemoryStorage())
    return memory.incr(counter, expiry, amount=amount)
