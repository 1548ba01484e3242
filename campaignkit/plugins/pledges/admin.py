"""Organiser pages: create and edit pledges, the dashboard, CSV export (logged) and closing.

Everything here needs ``pledges.manage``; the export needs ``pledges.export``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, time

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaignkit.core import (
    PICTURE_MAX_BYTES,
    clean_picture,
    current_user,
    db_session,
    log_export,
    max_length,
    one_line,
    parse_day,
    parse_int,
    plugin_settings,
    require_permission,
    write_session,
)
from campaignkit.plugins.pledges.models import (
    CLOSED,
    DRAFT,
    OPEN,
    STATES,
    Pledge,
    Signature,
    threshold_reached_at,
)
from campaignkit.plugins.pledges.stats import by_seat, chart_svg, counted, per_day

bp = Blueprint("pledges_admin", __name__, url_prefix="/organise/pledges")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: The largest goal or threshold a pledge may have.
MAX_GOAL = 100_000_000
CSV_COLUMNS = ["name", "email", "postcode", "seat", "phone", "signed_at", "confirmed_at"]


def _pledge(pledge_id: int) -> Pledge:
    pledge = db_session().get(Pledge, pledge_id)
    if pledge is None:
        abort(404)
    return pledge


def read_pledge_form(form, slug: str | None = None) -> dict:  # noqa: ANN001 - a MultiDict
    """Check the create or edit form; raises ValueError naming what to fix.

    ``slug`` is the pledge's fixed address, used instead of the form's (editing an open pledge).
    """
    title, text = one_line(form.get("title")), form.get("text", "").strip()
    slug = slug or form.get("slug", "").strip()
    if not SLUG.match(slug):
        raise ValueError("The address may use lower-case letters, digits and hyphens only.")
    limit = max_length(Pledge.title)
    if not title or len(title) > limit or not text:
        raise ValueError(f"Please give a title (up to {limit} characters) and the pledge text.")
    goal = parse_int(form.get("goal"), 1, MAX_GOAL, "the goal")
    threshold = form.get("threshold", "").strip()
    threshold = parse_int(threshold, 1, MAX_GOAL, "the threshold") if threshold else None
    deadline = form.get("deadline", "").strip()
    deadline = parse_day(deadline, "the deadline") if deadline else None
    deadline = datetime.combine(deadline, time(0), tzinfo=UTC) if deadline else None
    status = form.get("status") if form.get("status") in STATES else DRAFT
    return dict(
        slug=slug, title=title, text=text, goal=goal, threshold=threshold, deadline=deadline,
        share_text=form.get("share_text", "").strip()[:280], status=status,
    )  # fmt: skip


@bp.route("", methods=["GET", "POST"])
@require_permission("pledges.manage")
def index():
    """Every pledge, and the form to create one."""
    error = None
    if request.method == "POST":
        done, error = _save(_create, "Pledge created.")
        if done is not None:
            return done
    pledges = db_session().scalars(select(Pledge).order_by(Pledge.id.desc()))
    page = render_template(
        "pledges/admin_index.html", pledges=list(pledges), error=error, form=request.form
    )
    return page, 400 if error else 200


@bp.get("/<int:pledge_id>")
@require_permission("pledges.manage")
def dashboard(pledge_id: int):
    """A pledge's figures: signatures over time, counts by seat, the threshold notice."""
    pledge = _pledge(pledge_id)
    double = plugin_settings("pledges").double_opt_in
    session = db_session()
    return render_template(
        "pledges/dashboard.html", pledge=pledge,
        chart=chart_svg(per_day(session, pledge.id, double)),
        seats=by_seat(session, pledge.id, double),
        reached=pledge.threshold_reached_at is not None,
    )  # fmt: skip


@bp.route("/<int:pledge_id>/edit", methods=["GET", "POST"])
@require_permission("pledges.manage")
def edit(pledge_id: int):
    """Change a pledge's words, goal, deadline, threshold, share text and picture.

    The address is fixed once the pledge has been opened (links to it are out
    there); the state and the signatures are not touched here.
    """
    pledge = _pledge(pledge_id)
    fixed_slug = pledge.slug if pledge.status != DRAFT else None
    error, form = None, request.form if request.method == "POST" else _form_values(pledge)
    if request.method == "POST":
        done, error = _save(functools.partial(_update, pledge_id), "Pledge saved.", fixed_slug)
        if done is not None:
            return done
    page = render_template(
        "pledges/edit.html", pledge=pledge, error=error, form=form, slug_fixed=bool(fixed_slug)
    )
    return page, 400 if error else 200


def _save(store: Callable[[dict], int], done: str, slug: str | None = None) -> tuple:
    """Check the pledge form and picture and ``store`` them (it returns the pledge's id).

    Returns (the redirect to the dashboard, None), or (None, the error to show).
    """
    try:
        values = read_pledge_form(request.form, slug=slug)
        upload = request.files.get("image")
        if upload is not None and upload.filename:
            values["image"] = clean_picture(upload.stream.read(PICTURE_MAX_BYTES + 1))
        pledge_id = store(values)
    except ValueError as exc:
        return None, str(exc)
    except IntegrityError:
        return None, "A pledge already uses that address."
    flash(done, "success")
    return redirect(url_for(".dashboard", pledge_id=pledge_id), 303), None


def _create(values: dict) -> int:
    """Store a new pledge; its id."""
    with write_session() as session:
        pledge = Pledge(**values, signed_count=0, created_at=datetime.now(UTC))
        session.add(pledge)
        session.flush()
        return pledge.id


def _update(pledge_id: int, values: dict) -> int:
    """Change a pledge's fields (not its state or count); its id."""
    values.pop("status")
    with write_session() as session:
        pledge = session.get(Pledge, pledge_id)
        for name, value in values.items():
            setattr(pledge, name, value)
        pledge.threshold_reached_at = threshold_reached_at(  # true to a changed threshold
            pledge.threshold, pledge.signed_count, pledge.threshold_reached_at, datetime.now(UTC)
        )
    return pledge_id


def _form_values(pledge: Pledge) -> dict:
    """A pledge's fields as the create/edit form shows them."""
    deadline = pledge.deadline.date().isoformat() if pledge.deadline else ""
    return dict(
        slug=pledge.slug, title=pledge.title, text=pledge.text, goal=str(pledge.goal),
        threshold=str(pledge.threshold or ""), deadline=deadline, share_text=pledge.share_text,
    )  # fmt: skip


@bp.post("/<int:pledge_id>/status")
@require_permission("pledges.manage")
def set_status(pledge_id: int):
    """Open or close a pledge; closing needs its confirmation box ticked."""
    status = request.form.get("status")
    if status not in (OPEN, CLOSED):
        abort(400, description="Choose open or closed.")
    if status == CLOSED and request.form.get("confirm") != "yes":
        flash("Tick the box to confirm you want to close the pledge; it is still open.", "error")
        return redirect(url_for(".dashboard", pledge_id=pledge_id), 303)
    with write_session() as session:
        pledge = session.get(Pledge, pledge_id)
        if pledge is None:
            abort(404)
        pledge.status = status
    flash(f"The pledge is now {status}.", "success")
    return redirect(url_for(".dashboard", pledge_id=pledge_id), 303)


@bp.post("/<int:pledge_id>/mail")
@require_permission("pledges.manage")
def mail_signers(pledge_id: int):
    """Email every signer who counts (in the background); shows the job's progress."""
    from campaignkit.plugins.pledges.mailing import start_mailing

    pledge = _pledge(pledge_id)
    subject = " ".join(request.form.get("subject", "").split())[:200]
    body = request.form.get("body", "").strip()[:20000]
    if not subject or not body:
        flash("Give the email a subject and a message.", "error")
        return redirect(url_for(".dashboard", pledge_id=pledge.id), 303)
    job_id = start_mailing(pledge.id, subject, body)
    return redirect(url_for("core.job_page", job_id=job_id), 303)


@bp.get("/<int:pledge_id>/signatures.csv")
@require_permission("pledges.export")
def export_csv(pledge_id: int):
    """The signatures that count, as CSV; every export is logged."""
    pledge = _pledge(pledge_id)
    double = plugin_settings("pledges").double_opt_in
    rows = list(
        db_session().scalars(
            select(Signature).where(counted(pledge.id, double)).order_by(Signature.id)
        )
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in rows:
        values = [s.name, s.email, s.postcode, s.seat_name or "", s.phone or "", s.created_at,
                  s.confirmed_at or ""]  # fmt: skip
        writer.writerow([_safe_cell(str(v)) for v in values])
    with write_session() as session:
        log_export(session, current_user.id, f"pledge signatures ({pledge.slug})", len(rows))
    return Response(
        out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{pledge.slug}-signatures.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _safe_cell(value: str) -> str:
    """A cell that spreadsheets will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
