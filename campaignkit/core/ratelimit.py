"""``rate_limited``: how often one address may post to a view, for core and plugins alike.

The app's Flask-Limiter (in memory, or in Redis when ``redis_url`` is set)
counts the posts; the rate is a string such as ``"5 per hour"`` or a function
that reads it from a setting when a request comes. GETs are not limited
(so a form always shows) unless a view that writes on GET asks for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app

from campaignkit.core.state import app_store, limiter

_STORE = "campaignkit.rate_limited"


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

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def limited(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            views = app_store(_STORE)
            checked = views.get(view)
            if checked is None:  # first request to this view in this app
                checked = views.setdefault(
                    view,
                    limiter(current_app).limit(rate, key_func=key, methods=list(methods))(view),
                )
            return checked(*args, **kwargs)

        return limited

    return decorate
