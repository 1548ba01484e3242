"""Privacy pages: a person's own data (download, erase) and the organiser's privacy desk.

- ``/account/data``: download my data as a zip; erase my account (password again)
- ``/organise/privacy``: export or erase anyone's data by address ("privacy.manage")
- ``/organise/privacy/log``: the export and erasure logs ("privacy.audit")
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import select

from campaignkit.core.auth.access import has_permission, require_permission, signin_required
from campaignkit.core.auth.accounts import normalise_email, valid_email
from campaignkit.core.auth.models import User
from campaignkit.core.auth.views import WRONG_PASSWORD, check_password
from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.core.privacy.models import ErasureRecord, ExportRecord
from campaignkit.core.session import db_session

bp = Blueprint("privacy", __name__)

#: How many entries of each log the log page shows.
LOG_LENGTH = 200


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages about people's data are never kept in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _zip_response(archive: bytes, filename: str) -> Response:
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/data")
@signin_required
def my_data():
    """The person's data page: download it, or erase the account."""
    return render_template("privacy/my_data.html")


@bp.get("/account/data.zip")
@signin_required
def my_data_zip():
    """Download everything every enabled plugin stores about the signed-in person."""
    _subject, archive = export_person(current_user.email, current_user.id, "self")
    return _zip_response(archive, "my-data.zip")


@bp.post("/account/erase")
@signin_required
def erase_me():
    """Erase the signed-in person's account and data, after the password is given again."""
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm that you want everything erased.", "error")
        return redirect(url_for("privacy.my_data"))
    ok, problem = check_password(current_user, current_user.email, request.form.get("password", ""))
    if not ok:
        flash("Your password was not right." if problem == WRONG_PASSWORD else problem, "error")
        return redirect(url_for("privacy.my_data"))
    erase_person(current_user.email, "self")
    logout_user()
    session.clear()
    return render_template("privacy/erased.html")


@bp.route("/organise/privacy", methods=["GET", "POST"])
@require_permission("privacy.manage")
def organise():
    """Export or erase one person's data by address; both are logged."""
    if request.method == "GET":
        return render_template("privacy/organise.html", email="")
    email = normalise_email(request.form.get("email", ""))
    action = request.form.get("action")
    if not valid_email(email) or action not in ("export", "erase"):
        flash("Enter an email address and choose export or erase.", "error")
        return render_template("privacy/organise.html", email=email), 400
    if action == "export":
        _subject, archive = export_person(email, current_user.id, "organiser")
        return _zip_response(archive, "personal-data.zip")
    if normalise_email(request.form.get("confirm_email", "")) != email:
        flash("Type the address a second time to confirm the erasure.", "error")
        return render_template("privacy/organise.html", email=email), 400
    if email == current_user.email:
        flash("Erase your own account from your account's data page.", "error")
        return render_template("privacy/organise.html", email=""), 400
    counts = erase_person(email, f"organiser:{current_user.id}")
    flash(f"Erased: {sum(counts.values())} rows changed. The erasure is logged.", "success")
    return redirect(url_for("privacy.organise"))


@bp.get("/organise/privacy/log")
@require_permission("privacy.audit")
def audit_log():
    """Who exported personal data, what and when; and every erasure (by hash only)."""
    exports = db_session().execute(
        select(ExportRecord, User.email)
        .outerjoin(User, User.id == ExportRecord.user_id)
        .order_by(ExportRecord.at.desc(), ExportRecord.id.desc())
        .limit(LOG_LENGTH)
    )
    erasures = db_session().scalars(
        select(ErasureRecord).order_by(ErasureRecord.erased_at.desc()).limit(LOG_LENGTH)
    )
    return render_template(
        "privacy/log.html",
        exports=exports.all(),
        erasures=[(e, json.loads(e.counts)) for e in erasures],
        can_manage=has_permission(current_user, "privacy.manage"),
    )
