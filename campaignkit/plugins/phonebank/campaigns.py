"""Organiser pages for calling campaigns: build one, start and pause it, its figures and export.

Everything here needs ``phonebank.manage``; every export is logged with
core's ``log_export``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    bar_chart_svg,
    clean_text,
    current_user,
    db_session,
    line_chart_svg,
    load_user,
    log_export,
    max_length,
    one_line,
    require_permission,
    write_session,
)
from campaignkit.plugins.phonebank import stats
from campaignkit.plugins.phonebank.calling import read_questions
from campaignkit.plugins.phonebank.models import (
    CAMPAIGN_STATES,
    DRAFT,
    OUTCOME_LABELS,
    RUNNING,
    Call,
    CallList,
    Contact,
    PhoneCampaign,
    Target,
)
from campaignkit.plugins.phonebank.queue import fill_targets

bp = Blueprint("phonebank_campaigns", __name__, url_prefix="/organise/phonebank/campaigns")
MAX_SCRIPT = 5000
CSV_COLUMNS = ["made_at", "outcome", "seat", "name", "phone", "volunteer", "callback_at", "answers"]


def read_campaign_form(form, list_ids: set[int]) -> dict:  # noqa: ANN001 - a MultiDict
    """A new campaign's list, title, script and questions; raises ValueError naming what to fix."""
    title = one_line(form.get("title"))
    script = clean_text(form.get("script", "")).strip()
    list_id = form.get("list_id", type=int)
    if list_id not in list_ids:
        raise ValueError("Choose the call list to call.")
    if not title or len(title) > max_length(PhoneCampaign.title):
        raise ValueError("Please give a title (up to 200 characters).")
    if not script or len(script) > MAX_SCRIPT:
        raise ValueError(f"Please write the script (up to {MAX_SCRIPT} characters).")
    questions = read_questions(clean_text(form.get("questions", "")))
    return {"list_id": list_id, "title": title, "script": script, "questions": questions}


@bp.route("/new", methods=["GET", "POST"])
@require_permission("phonebank.manage")
def new():
    """The form for a campaign: a list, a script and survey questions."""
    lists = list(db_session().scalars(select(CallList).order_by(CallList.id.desc())))
    error = None
    if request.method == "POST":
        try:
            values = read_campaign_form(request.form, {call_list.id for call_list in lists})
        except ValueError as exc:
            error = str(exc)
        else:
            with write_session() as session:
                campaign = PhoneCampaign(**values, status=DRAFT, created_by=current_user.id,
                                         created_at=datetime.now(UTC))  # fmt: skip
                session.add(campaign)
                session.flush()
                fill_targets(session, list_id=campaign.list_id)
                campaign_id = campaign.id
            flash("Campaign saved as a draft: start it when it is ready.", "success")
            return redirect(url_for(".view", campaign_id=campaign_id), 303)
    page = render_template(
        "phonebank/campaign_new.html", lists=lists, error=error, form=request.form
    )
    return page, 400 if error else 200


def _campaign(campaign_id: int) -> PhoneCampaign:
    campaign = db_session().get(PhoneCampaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _volunteer_names(counts: list[tuple[int, int]]) -> list[tuple[str, int]]:
    named = []
    for user_id, count in counts:
        user = load_user(user_id)
        named.append((user.email if user else f"Account {user_id}", count))
    return named


@bp.get("/<int:campaign_id>")
@require_permission("phonebank.manage")
def view(campaign_id: int):
    """A campaign's progress, outcomes and answers by seat, calls per hour, volunteers' counts."""
    campaign, session = _campaign(campaign_id), db_session()
    by_seat = stats.outcomes_by_seat(session, campaign.id)
    hours = stats.calls_per_hour(session, campaign.id)
    seat_rows = [(seat, counts.total()) for seat, counts in list(by_seat.items())[:20]]
    answers = stats.answers_by_seat(session, campaign.id, campaign.questions or [])
    charts = [
        bar_chart_svg([(option, q["total"][option]) for option in q["options"]],
                      f"Answers to '{q['question']}'", "phonebank-chart")
        for q in answers
    ]  # fmt: skip
    return render_template(
        "phonebank/campaign.html", campaign=campaign, progress=stats.progress(session, campaign.id),
        by_seat=by_seat, outcome_labels=OUTCOME_LABELS.values(),
        answers=list(zip(answers, charts, strict=True)),
        seat_chart=bar_chart_svg(seat_rows, "Calls by seat", "phonebank-chart"),
        hour_chart=line_chart_svg([count for _hour, count in hours],
                                  f"Calls per hour: {sum(c for _h, c in hours)} calls",
                                  "phonebank-chart"),
        hours=hours, volunteers=_volunteer_names(stats.volunteer_counts(session, campaign.id)),
    )  # fmt: skip


@bp.post("/<int:campaign_id>/status")
@require_permission("phonebank.manage")
def set_status(campaign_id: int):
    """Start, pause or resume a campaign."""
    status = request.form.get("status")
    if status not in CAMPAIGN_STATES or status == DRAFT:
        abort(400, description="Choose start or pause.")
    with write_session() as session:
        campaign = session.get(PhoneCampaign, campaign_id, with_for_update=True)
        if campaign is None:
            abort(404)
        campaign.status = status
    flash("Campaign running." if status == RUNNING else "Campaign paused.", "success")
    return redirect(url_for(".view", campaign_id=campaign_id), 303)


@bp.get("/<int:campaign_id>/calls.csv")
@require_permission("phonebank.manage")
def export_csv(campaign_id: int):
    """Every call recorded in the campaign, with the contact's name and number, as CSV (logged)."""
    campaign = _campaign(campaign_id)
    rows = (
        db_session()
        .execute(
            select(Call, Contact.name, Contact.phone)
            .join(Target, Target.id == Call.target_id)
            .join(Contact, Contact.id == Target.contact_id)
            .where(Call.campaign_id == campaign.id)
            .order_by(Call.id)
        )
        .all()
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for call, name, phone in rows:
        answers = "; ".join(f"{campaign.questions[int(k)]['question']} {v}"
                            for k, v in sorted(call.answers.items())
                            if k.isdigit() and int(k) < len(campaign.questions))  # fmt: skip
        values = [call.made_at, call.outcome, call.seat_name or "", name, phone,
                  call.volunteer_id or "", call.callback_at or "", answers]  # fmt: skip
        writer.writerow([_safe_cell(str(value)) for value in values])
    with write_session() as session:
        log_export(session, current_user.id, f"phone bank calls ({campaign.title})", len(rows))
    return Response(
        out.getvalue(), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="phonebank-{campaign.id}-calls.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _safe_cell(value: str) -> str:
    """A cell that spreadsheets will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
