"""Error pages: themed HTML for people, JSON for the API, plain text if the theme itself fails."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)

#: Machine-readable codes of the error statuses the API answers with.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def error_code(status: int) -> str:
    """The API's code for an HTTP error status (``404`` gives ``not_found``)."""
    if status in ERROR_CODES:
        return ERROR_CODES[status]
    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("-", "_")


def error_response(status: int, message: str) -> tuple[Response, int]:
    """An API error in the shared shape, with its status."""
    return jsonify(error={"code": error_code(status), "message": message}), status


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return True
    return request.accept_mimetypes.best == "application/json"


def handle_http_error(error: HTTPException):
    """Render an HTTP error as JSON for the API (``{"error": {code, message}}``), else a page."""
    status = error.code or 500
    if _wants_json():
        response, status = error_response(status, error.description or error.name)
        for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status
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
