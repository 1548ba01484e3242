"""Known devices: browsers that have signed in to an account before.

After a successful sign-in (or a password reset) the browser gets a signed,
HttpOnly cookie naming a random id for the browser and the accounts
signed in on it. A sign-in to one of those accounts from that browser is
throttled only by its own failures, so an attacker's failures elsewhere
never keep the owner out of a browser they use. The cookie grants nothing
else: the password is still checked.
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from campaignkit.core.auth.models import User
from campaignkit.core.auth.roles import auth_state

COOKIE = "campaignkit_device"
#: How many accounts one browser remembers (the most recent first).
MAX_ACCOUNTS = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="campaignkit.device")


def _max_age_s() -> int:
    return auth_state().settings.known_device_days * 24 * 3600


def _read() -> tuple[str | None, list[int]]:
    """The browser's device id and the account ids it has signed in to (nothing if invalid)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None, []
    try:
        data = _serializer().loads(value, max_age=_max_age_s())
    except BadSignature:  # also when expired
        return None, []
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None, []
    accounts = data.get("a")
    valid = isinstance(accounts, list) and all(type(a) is int for a in accounts)
    return data["d"], accounts if valid else []


def known_device(user: User | None) -> str | None:
    """This browser's device id if it has signed in to ``user``'s account before, else None."""
    if user is None:
        return None
    device, accounts = _read()
    return device if device is not None and user.id in accounts else None


def remember_device(response: Response, user: User) -> Response:
    """Make this browser a known device of ``user``'s account (renewing its cookie)."""
    device, accounts = _read()
    accounts = [user.id] + [a for a in accounts if a != user.id]
    value = _serializer().dumps(
        {"d": device or secrets.token_urlsafe(16), "a": accounts[:MAX_ACCOUNTS]}
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=_max_age_s(),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure,
    )
    return response
