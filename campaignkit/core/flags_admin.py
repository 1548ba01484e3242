"""The admin page for feature flags: who sees each staged feature."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for

from campaignkit.core.auth.access import require_permission
from campaignkit.core.auth.roles import ROLES
from campaignkit.core.flags import FlagError, all_flags, flag_enabled, save_flag
from campaignkit.core.parsing import ParseError, parse_int
from campaignkit.core.session import db_session, write_session

bp = Blueprint("flags", __name__, url_prefix="/organise/flags")


def configure(app: Flask) -> None:
    """Register the flags admin page and the ``flag_enabled`` template helper."""
    app.register_blueprint(bp)
    app.jinja_env.globals["flag_enabled"] = flag_enabled


@bp.route("", methods=["GET", "POST"])
@require_permission("flags.manage")
def index():
    """List flags; the form creates or changes one."""
    if request.method == "POST":
        form = request.form
        try:
            percentage = parse_int(form.get("percentage") or 0, 0, 100, "the percentage")
            with write_session() as session:
                flag = save_flag(
                    session, form.get("name", ""), description=form.get("description", ""),
                    enabled=form.get("enabled") == "yes", percentage=percentage,
                    roles=form.getlist("roles"), users=form.get("users", "").split(),
                )  # fmt: skip
            flash(f"Flag '{flag.name}' saved.", "success")
        except (FlagError, ValueError) as exc:
            message = str(exc) if isinstance(exc, FlagError | ParseError) else "Not saved."
            flash(message, "error")
        return redirect(url_for(".index"), 303)
    return render_template("flags.html", flags=all_flags(db_session()), roles=ROLES)
