"""Briefs: organisers post them (``videos.manage``); producers list, filter, claim, release."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    ParseError,
    current_user,
    db_session,
    has_permission,
    parse_day,
    parse_int,
    plugin_settings,
    require_permission,
    write_session,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.brief_form import BriefInvalid, brief_row, read_brief
from campaignkit.plugins.videos.claims import ClaimRefused, claim, release
from campaignkit.plugins.videos.models import (
    CLOSED,
    FORMATS,
    OPEN,
    Brief,
    BriefAsset,
    Claim,
    now,
)
from campaignkit.plugins.videos.submissions import may_submit


def _filters() -> tuple[str | None, datetime | None, str | None]:
    """The list's filters from the query: format, "due by" date, and a problem to show."""
    chosen = request.args.get("format") or None
    problem = None
    if chosen is not None and chosen not in FORMATS:
        chosen, problem = None, f"Choose a format: {', '.join(FORMATS)}."
    due_by = None
    if request.args.get("due_by"):
        try:
            due_by = datetime.combine(parse_day(request.args["due_by"]), time.max, UTC)
        except ParseError as exc:
            problem = str(exc)
    return chosen, due_by, problem


@bp.get("/briefs")
@require_permission("videos.produce")
def briefs():
    """Open briefs whose deadline has not passed, soonest first; filter by format and due date."""
    chosen, due_by, problem = _filters()
    query = select(Brief).where(Brief.status == OPEN, Brief.deadline >= now())
    if chosen:
        query = query.where(Brief.format == chosen)
    if due_by:
        query = query.where(Brief.deadline <= due_by)
    rows = db_session().scalars(query.order_by(Brief.deadline, Brief.id)).all()
    mine = set(
        db_session().scalars(select(Claim.brief_id).where(Claim.producer_id == current_user.id))
    )
    due_text = request.args.get("due_by", "")
    page = render_template("videos/briefs.html", briefs=rows, mine=mine, formats=FORMATS,
                           chosen=chosen, due_by=due_text, problem=problem,
                           can_manage=has_permission(current_user, "videos.manage"))  # fmt: skip
    return page, 400 if problem else 200


def brief_in_query() -> tuple[int | None, Brief | None]:
    """The brief a page's ``?brief=ID`` names and its row: (None, None) when there is none;
    400 for an id that is not a number, 404 for one that does not exist."""
    text = request.args.get("brief", "").strip()
    if not text:
        return None, None
    try:
        brief_id = parse_int(text, 1, 2**31 - 1, "the brief")
    except ParseError as exc:
        abort(400, description=str(exc))
    return brief_id, _brief_or_404(brief_id)


def _brief_or_404(brief_id: int) -> Brief:
    brief = db_session().get(Brief, brief_id)
    if brief is None:
        abort(404)
    return brief


@bp.get("/briefs/<int:brief_id>")
@require_permission("videos.produce")
def brief(brief_id: int):
    """One brief: what it asks for, its assets, and the claim and submit buttons."""
    row = _brief_or_404(brief_id)
    session = db_session()
    assets = session.scalars(select(BriefAsset).where(BriefAsset.brief_id == brief_id)).all()
    claimed = session.scalar(
        select(Claim.id).where(Claim.brief_id == brief_id, Claim.producer_id == current_user.id)
    )
    return render_template("videos/brief.html", brief=row, assets=assets, claimed=bool(claimed),
                           producer=may_submit(session, current_user.id),
                           asset_max_mb=plugin_settings("videos").asset_max_mb,
                           can_manage=has_permission(current_user, "videos.manage"))  # fmt: skip


@bp.post("/briefs/<int:brief_id>/claim")
@require_permission("videos.produce")
def claim_brief(brief_id: int):
    """Claim a brief so nobody else starts the same film (up to its claim limit)."""
    _brief_or_404(brief_id)
    if not may_submit(db_session(), current_user.id):
        flash("Only approved producers can claim briefs.", "error")
        return redirect(url_for(".brief", brief_id=brief_id), 303)
    try:
        claim(brief_id, current_user.id)
    except ClaimRefused as exc:
        flash(str(exc), "error")
    else:
        flash("The brief is yours: submit your video before the deadline.", "success")
    return redirect(url_for(".brief", brief_id=brief_id), 303)


@bp.post("/briefs/<int:brief_id>/release")
@require_permission("videos.produce")
def release_brief(brief_id: int):
    """Give up a claim so another producer can take the brief."""
    _brief_or_404(brief_id)
    if release(brief_id, current_user.id):
        flash("You have let the brief go.", "success")
    else:
        flash("You had not claimed this brief.", "error")
    return redirect(url_for(".brief", brief_id=brief_id), 303)


@bp.route("/briefs/new", methods=["GET", "POST"])
@require_permission("videos.manage")
def new_brief():
    """Post a brief: title, message and audience, format, length, deadline, assets, limits."""
    error = None
    if request.method == "POST":
        try:
            fields = read_brief(request.form)
        except BriefInvalid as exc:
            error = str(exc)
        else:
            moment = now()
            with write_session() as session:
                row = brief_row(fields, current_user.id, moment)
                session.add(row)
                session.flush()
                for label, url in fields.assets:
                    session.add(
                        BriefAsset(brief_id=row.id, label=label, url=url, created_at=moment)
                    )
                brief_id = row.id
            flash("Brief posted.", "success")
            return redirect(url_for(".brief", brief_id=brief_id), 303)
    page = render_template("videos/brief_new.html", error=error, form=request.form, formats=FORMATS)
    return page, 400 if error else 200


@bp.post("/briefs/<int:brief_id>/status")
@require_permission("videos.manage")
def brief_status(brief_id: int):
    """Close a brief (no more claims or submissions) or open it again."""
    status = request.form.get("status")
    if status not in (OPEN, CLOSED):
        abort(400, description="Choose open or closed.")
    with write_session() as session:
        row = session.get(Brief, brief_id)
        if row is None:
            abort(404)
        row.status, row.updated_at = status, now()
    flash(f"The brief is {status}.", "success")
    return redirect(url_for(".brief", brief_id=brief_id), 303)
