"""Signed cookies: a short text one page remembers for one browser, apart from the session.

A form's answer page often needs to know what this browser just did (which
signature is theirs, on the thank-you page after a pledge). Keeping that in the
session would rewrite the whole session cookie on the form's answer and send
it, larger, with every later request. A signed cookie scoped to the one page's
path is written once and is sent to that page only.

The text is signed with a timestamp under the app's secret key (and accepted
under any of ``SECRET_KEY_FALLBACKS`` while a key is being rotated), so a
browser can read it but cannot change it or keep using it past the age its
reader allows: an edited or older cookie reads as ``None``. Like the session
cookie, it is gone when the browser closes (on a shared computer, the next
person finds nothing), and its flags are the session cookie's: HttpOnly,
SameSite=Lax, Secure over https.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadData, TimestampSigner
from werkzeug.http import dump_cookie

from campaignkit.core.state import app_store

_STORE = "campaignkit.signed_cookies"


def set_signed_cookie(response: Response, name: str, text: str, *, path: str) -> None:
    """Set cookie ``name`` on ``response`` to ``text`` (short ASCII), signed, sent back only
    to pages under ``path`` until the browser closes."""
    app = current_app
    value = _signer(name).sign(text).decode("ascii")
    secure = app.session_interface.get_cookie_secure(app)
    response.headers.add(
        "Set-Cookie",
        dump_cookie(name, value, path=path, secure=secure, httponly=True, samesite="Lax"),
    )


def read_signed_cookie(name: str, max_age_s: int) -> str | None:
    """The text this request's cookie ``name`` holds, or None: absent, edited, signed with
    another key, or older than ``max_age_s`` seconds."""
    raw = request.cookies.get(name)
    if not raw:
        return None
    try:
        return _signer(name).unsign(raw, max_age=max_age_s).decode("ascii")
    except (BadData, UnicodeDecodeError):  # a bad or expired signature, or not our text
        return None


def _signer(name: str) -> TimestampSigner:
    """The app's signer for cookie ``name`` (its own salt), made once per secret key."""
    app = current_app
    keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
    store = app_store(_STORE)
    signer = store.get((name, keys))
    if signer is None:
        salt = f"campaignkit.signed-cookie.{name}"
        signer = store.setdefault((name, keys), TimestampSigner(list(keys), salt=salt))
    return signer
