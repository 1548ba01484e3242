"""Error pages: themed HTML for people, JSON for the API, plain text if the theme itself fails."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return True
    return request.accept_mimetypes.best == "application/json"


def handle_http_error(error: HTTPException):
    """Render an HTTP error as JSON for the API, else as a themed page."""
    status = error.code or 500
    if _wants_json():
        return jsonify(error=error.name, message=error.description, status=status), status
    if isinstance(error, SecurityError):  # a Host not in allowed_hosts: no page links to build
        return _plain(error, status)
    try:
        return render_template("error.html", error=error, status=status), status
    except Exception:  # noqa: BLE001 - a broken template must not hide the original error
        log.exception("error page failed to render")
        return _plain(error, status)


def _plain(error: HTTPException, status: int) -> tuple[str, int, dict[str, str]]:
    return f"{status} {error.name}\n", status, {"Content-Type": "text/plain; charset=utf-8"}


def handle_unexpected(error: Exception):
    """Log an unexpected exception and answer with a 500 page."""
    log.exception("unhandled error on %s", request.path, exc_info=error)
    return handle_http_error(InternalServerError())


def register(app: Flask) -> None:
    """Install the error handlers on the app."""
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
