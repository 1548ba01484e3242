"""Organiser pages (``apps.review``): review submissions, the links that stopped answering,
CSV import and export, and a link check on demand.

Approving lists an app; rejecting needs a reason, which is mailed to the
supporter who sent it (approval is mailed too). Import saves nothing unless
every line of the file is good.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    MailError,
    campaign_name,
    clean_text,
    db_session,
    enqueue_job,
    load_user,
    plugin_settings,
    public_url_for,
    require_permission,
    send_mail,
    write_session,
)
from campaignkit.plugins.apps.csvfile import CsvError, read_apps_csv, save_imported, write_apps_csv
from campaignkit.plugins.apps.linkcheck import CHECK_JOB
from campaignkit.plugins.apps.models import APPROVED, LINK_DEAD, LINK_OK, PENDING, REJECTED, App

bp = Blueprint("apps_admin", __name__, url_prefix="/organise/apps")
log = logging.getLogger(__name__)
MAX_CSV_BYTES = 2 * 1024 * 1024
DONE = {"approve": "approved", "reject": "rejected", "link_ok": "link marked as working"}


@bp.get("")
@require_permission("apps.review")
def index():
    """Submissions waiting, links that stopped answering, and every listed app."""
    session = db_session()
    pending = list(session.scalars(select(App).where(App.status == PENDING).order_by(App.id)))
    dead = list(session.scalars(
        select(App).where(App.status == APPROVED, App.link_status == LINK_DEAD).order_by(App.id)
    ))  # fmt: skip
    listed = list(session.scalars(select(App).where(App.status == APPROVED).order_by(App.title)))
    return render_template("apps/admin.html", pending=pending, dead=dead, listed=listed,
                           problems=[])  # fmt: skip


def _tell_submitter(app: App, subject: str, body: str) -> None:
    """Mail the supporter who sent the app, if they still have an account; log a failure."""
    person = load_user(app.submitted_by) if app.submitted_by is not None else None
    if person is None:
        return
    try:
        send_mail(person.email, f"{subject} · {campaign_name()}", body)
    except MailError:
        log.warning("apps: could not mail the submitter of app %s", app.id, exc_info=True)


@bp.post("/<int:app_id>/review")
@require_permission("apps.review")
def review(app_id: int):
    """Approve, reject (with a reason, mailed), remove, or mark a flagged link as working."""
    action = request.form.get("action")
    reason = clean_text(request.form.get("reason", "")).strip()
    if action not in ("approve", "reject", "link_ok"):
        abort(400, description="Choose approve, reject or mark the link as working.")
    if action == "reject" and not reason:
        flash("Please give a reason: it is sent to the person who submitted the app.", "error")
        return redirect(url_for(".index"), 303)
    with write_session() as session:
        app = session.get(App, app_id, with_for_update=True)
        if app is None:
            abort(404)
        if action == "link_ok":
            app.link_status, app.link_note = LINK_OK, ""
        else:
            app.status = APPROVED if action == "approve" else REJECTED
            app.reject_reason = reason if action == "reject" else ""
        session.flush()
        session.expunge(app)
    if action == "approve":
        body = f"Your app {app.title} is now listed: {public_url_for('apps.directory')}"
        _tell_submitter(app, "Your app is listed", body)
    elif action == "reject":
        body = f"Your app {app.title} was not listed. The organisers said:\n\n{reason}\n"
        _tell_submitter(app, "Your app was not listed", body)
    flash(f"{app.title}: {DONE[action]}.", "success")
    return redirect(url_for(".index"), 303)


@bp.post("/import")
@require_permission("apps.review")
def import_csv():
    """Import a CSV file in the Bern Kit's layout; nothing is saved if any line is bad."""
    upload = request.files.get("file")
    data = upload.stream.read(MAX_CSV_BYTES + 1) if upload is not None else b""
    problems = []
    if not data or len(data) > MAX_CSV_BYTES:
        problems = ["Please choose a CSV file of up to 2 MB."]
    else:
        try:
            entries = read_apps_csv(
                data.decode("utf-8"), tuple(plugin_settings("apps").insecure_servers)
            )
        except UnicodeDecodeError:
            problems = ["The file is not UTF-8 text; save it as CSV UTF-8."]
        except CsvError as exc:
            problems = exc.problems
    if problems:
        session = db_session()
        listed = list(
            session.scalars(select(App).where(App.status == APPROVED).order_by(App.title))
        )
        page = render_template("apps/admin.html", pending=[], dead=[], listed=listed,
                               problems=problems)  # fmt: skip
        return page, 400
    added, updated = save_imported(entries)
    flash(f"Imported: {added} apps added, {updated} updated.", "success")
    return redirect(url_for(".index"), 303)


@bp.get("/export.csv")
@require_permission("apps.review")
def export_csv():
    """The listed apps as CSV in the Bern Kit's layout."""
    headers = {"Content-Disposition": 'attachment; filename="apps.csv"'}
    return Response(write_apps_csv(), mimetype="text/csv", headers=headers)


@bp.post("/check-links")
@require_permission("apps.review")
def check_links():
    """Check every link now, in the background; the job page shows how far it got."""
    job_id = enqueue_job(CHECK_JOB)
    return redirect(url_for("core.job_page", job_id=job_id), 303)
