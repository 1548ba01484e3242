"""Core pages: home, health check, theme stylesheet, static files and job progress."""

from __future__ import annotations

import logging
import re

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

from campaignkit.core.errors import error_response, handle_http_error
from campaignkit.core.health import database_unreachable, failing, health_checks
from campaignkit.core.jobs import JobRecord
from campaignkit.core.kit_theme import kit_css_variables
from campaignkit.core.session import db_session
from campaignkit.core.state import app_state
from campaignkit.core.themes import theme_variables

log = logging.getLogger(__name__)
bp = Blueprint("core", __name__)
#: A job page's ``back`` link: a plain same-site path (letters, digits, ``/_.~-``), an anchor.
LOCAL_BACK = re.compile(r"/(?![/.])[A-Za-z0-9/_.~-]{0,300}(#[A-Za-z0-9_-]{1,80})?")

STATIC_MAX_AGE_S = 3600
#: What a visitor reads while the database is down or restarting, and when to come back.
DATABASE_DOWN = "The site cannot reach its database just now. Please try again in a minute."
DATABASE_RETRY_AFTER_S = 30


def _state():
    return app_state()


@bp.get("/")
def home():
    """The campaign's home page; plugins fill its slots."""
    return render_template("home.html")


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_down(error: Exception):
    """A 503 with a plain message (JSON for the API) while the database cannot be reached,
    instead of a 500; any other database error is raised on, as before."""
    if not database_unreachable(error):
        raise error
    log.warning("the database cannot be reached (%s): answering 503", type(error).__name__)
    return handle_http_error(ServiceUnavailable(DATABASE_DOWN, retry_after=DATABASE_RETRY_AFTER_S))


@bp.get("/healthz")
def healthz():
    """A health check for load balancers: 200 when the database and Redis answer, else 503.

    The body names each part and what is wrong with it:
    ``{"status": "failing", "failing": ["redis"], "checks": {"redis": "unreachable (...)"}}``.
    """
    checks = health_checks()
    down = failing(checks)
    body = {
        "status": "failing" if down else "ok",
        "database": _state().database.engine.dialect.name,
        "checks": checks,
        "failing": down,
    }
    response = jsonify(body)
    response.status_code = 503 if down else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/theme.css")
def theme_css():
    """The theme's colours and fonts as CSS custom properties."""
    instance = _state().instance
    variables = {**theme_variables(instance.theme_chain), **kit_css_variables(instance.kit.style)}
    body = ":root {\n" + "".join(f"  {k}: {v};\n" for k, v in variables.items()) + "}\n"
    response = Response(body, mimetype="text/css")
    response.cache_control.max_age = STATIC_MAX_AGE_S
    return response


@bp.get("/static/<path:filename>")
def static(filename: str):
    """A static file from the first folder on the search path that has it."""
    folder = _state().instance.search_path.find_static(filename)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=STATIC_MAX_AGE_S)


def _local_back() -> str | None:
    back = request.args.get("back", "")
    return back if LOCAL_BACK.fullmatch(back) and "//" not in back else None


@bp.get("/jobs/<job_id>")
def job_page(job_id: str):
    """A job's progress; the page refreshes itself until the job has finished.

    ``?back=/a/path`` (a same-site path only) adds a link back to where the job was started.
    """
    record = db_session().get(JobRecord, job_id)
    if record is None:
        abort(404)
    return render_template("core/job.html", job=record, back=_local_back())


@bp.get("/jobs/<job_id>.json")
def job_json(job_id: str):
    """A job's progress as JSON, for pages that poll; an unknown id is a JSON 404."""
    record = db_session().get(JobRecord, job_id)
    if record is None:
        return error_response(404, f"no job {job_id}")
    return jsonify(
        id=record.id,
        title=record.title,
        status=record.status,
        done=record.done,
        total=record.total,
        percent=record.percent,
        message=record.message,
    )
