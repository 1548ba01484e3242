"""Protections every response gets: CSRF checks, cookie flags, security headers, rate limits.

- CSRF: every POST/PUT/PATCH/DELETE needs the form's ``csrf_token`` (or the
  ``X-CSRFToken`` header); a missing or wrong token is a 400. API requests
  that carry ``Authorization: Bearer`` send no cookies to forge, so they are
  checked by their token instead.
- Cookies: HttpOnly, SameSite=Lax, and Secure whenever the request came over
  https (after ProxyFix) or ``[server] secure_cookies`` is set.
- Headers: a content security policy with no inline scripts, no framing,
  no MIME sniffing, and referrers kept on this site. A view meant to be
  framed by other sites (a widget) is decorated with ``allow_framing``: its
  responses get no ``X-Frame-Options`` and it sets its own policy's
  ``frame-ancestors``.
- Rate limits: Flask-Limiter, counting in a SQLite file of the instance that
  every app process shares, or in Redis when ``redis_url`` is set; while that
  store is down, each worker counts in memory rather than failing the form.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import Flask, current_app, has_request_context, make_response, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from campaignkit.core.auth.access import api_token_user, bearer_token
from campaignkit.core.errors import handle_http_error
from campaignkit.core.instance import Instance, namespace
from campaignkit.core.ratelimit_storage import storage_uri
from campaignkit.core.state import LIMITER

#: Set on a response that other sites may frame (see ``allow_framing``).
FRAMING_ALLOWED = "campaignkit_allow_framing"
#: Set on a response whose forms may lead to other sites (see ``allow_form_targets``).
FORM_TARGETS = "campaignkit_form_targets"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    # geolocation for this site only: "use my location" beside a postcode box.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self)",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, marked Secure whenever the request is https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured, or when this request came over https."""
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def check_csrf() -> None:
    """Refuse (400) a state-changing request without a valid CSRF token."""
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"]:
        return
    if request.routing_exception is not None:  # no view runs: the 404 or 405 answers
        return
    if bearer_token() is not None:
        api_token_user()  # a token that is not valid is refused here (401)
        return  # a browser cannot be tricked into sending a token, so no CSRF check
    current_app.extensions["csrf"].protect()


def csrf_refused(error: CSRFError):  # noqa: ANN201 - a Flask response
    """Explain a refused form in words a person can act on (still a 400)."""
    error.description = (
        f"{error.description} The form was not sent from this site or is too old: "
        "go back, reload the page and try again."
    )
    return handle_http_error(error)


def allow_framing(view: Callable) -> Callable:
    """Let other sites frame a view's pages: its responses get no ``X-Frame-Options: DENY``.

    Only the view's own successful responses are affected (an error page it
    raises keeps every header). The core policy still says
    ``frame-ancestors 'none'``, so the view must also send its own
    ``Content-Security-Policy`` naming who may frame it (``frame-ancestors *``
    for a widget anyone may embed).
    """

    @functools.wraps(view)
    def framed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        response = make_response(view(*args, **kwargs))
        setattr(response, FRAMING_ALLOWED, True)
        return response

    return framed


def allow_form_targets(targets: Callable[[], Iterable[str]]) -> Callable:
    """Let a view's forms lead to other sites: their origins join its CSP ``form-action``.

    The core policy says ``form-action 'self'``, and browsers apply it to the
    redirects that follow a form too, so a form that starts an OAuth sign-in
    elsewhere (our POST answers 303 to the other site) needs that site named.
    ``targets`` is called for each response, inside the request, and returns CSP
    sources: origins such as ``"https://x.com"`` or a scheme such as ``"https:"``.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def widened(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            response = make_response(view(*args, **kwargs))
            setattr(response, FORM_TARGETS, tuple(targets()))
            return response

        return widened

    return decorate


def add_headers(response):  # noqa: ANN001, ANN201 - Flask response
    """Add the security headers, keeping any a view set itself."""
    framed = getattr(response, FRAMING_ALLOWED, False)
    targets = " ".join(getattr(response, FORM_TARGETS, ()))
    for name, value in HEADERS.items():
        if targets and name == "Content-Security-Policy":
            value = value.replace("form-action 'self'", f"form-action 'self' {targets}")
        if not (framed and name == "X-Frame-Options"):
            response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def configure(app: Flask, instance: Instance) -> None:
    """Install CSRF checks, cookie flags, security headers and the rate limiter."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=instance.config.server.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_CHECK_DEFAULT=False,  # check_csrf below decides, so Bearer API calls pass
        WTF_CSRF_TIME_LIMIT=12 * 3600,
    )
    app.session_interface = SessionInterface()
    CSRFProtect(app)
    app.before_request(check_csrf)
    app.register_error_handler(CSRFError, csrf_refused)
    app.after_request(add_headers)
    app.extensions[LIMITER] = Limiter(
        get_remote_address,
        app=app,
        storage_uri=storage_uri(instance.path, instance.redis_url),
        key_prefix=f"campaignkit:{namespace(instance)}",
        default_limits=[],
        # While the store (Redis) is down, each worker counts in its own memory instead of
        # failing the request, and goes back to the store once it answers again.
        in_memory_fallback_enabled=True,
    )
