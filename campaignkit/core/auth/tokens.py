"""Tokens: signed, expiring links for email verification and password reset; random secrets.

A link token carries the user id and a fingerprint of the state it may change
(the password hash and session version for a reset, the address and whether
it is verified for a verification). Once used, that state changes, so the
same link stops working: every link is single-use without a table of used
tokens. Invitation links and API tokens are random secrets of which only the
sha256 is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from campaignkit.core.auth.models import User

VERIFY, RESET = "verify", "reset"


class TokenError(Exception):
    """A link token that cannot be used; the message says why, for the person."""


def _serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"campaignkit.{kind}")


def fingerprint(user: User, kind: str) -> str:
    """A short digest of the user state a token of this kind is bound to."""
    if kind == VERIFY:
        state = f"{user.email}|{user.email_verified_at is not None}"
    else:
        state = f"{user.password_hash or ''}|{user.session_version}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def make_link_token(user: User, kind: str) -> str:
    """A signed token for a verification or reset link."""
    return _serializer(kind).dumps({"u": user.id, "f": fingerprint(user, kind)})


def read_link_token(token: str, kind: str, max_age_s: int, load_user) -> User:  # noqa: ANN001
    """The user a link token belongs to; raises TokenError if expired, tampered or used."""
    try:
        data = _serializer(kind).loads(token, max_age=max_age_s)
    except SignatureExpired:
        raise TokenError("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise TokenError("This link is not valid. Check it was copied in full.") from None
    user = load_user(data.get("u")) if isinstance(data, dict) else None
    if user is None or not hmac.compare_digest(str(data.get("f")), fingerprint(user, kind)):
        raise TokenError("This link has already been used or is no longer valid.")
    return user


def new_secret(prefix: str) -> str:
    """A new random secret for an invitation or API token, shown once."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    """The sha256 of a secret, as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()
