"""Producers: a supporter applies (portfolio, skills, the producer agreement), an organiser decides.

The agreement's exact wording is stored through core's consent records.
Approval is core's vetting: an organiser who may approve members
(``members.approve``) approves the application, and a supporter or volunteer
then gets core's "producer" role, which holds ``videos.produce``. Revoking
takes the role back.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    current_user,
    db_session,
    load_user,
    max_length,
    one_line,
    plugin_settings,
    rate_limited,
    record_consent,
    require_permission,
    set_role,
    signin_required,
    write_session,
)
from campaignkit.plugins.videos.blueprint import bp
from campaignkit.plugins.videos.models import (
    APPROVED,
    PENDING,
    REJECTED,
    REVOKED,
    Producer,
    now,
)
from campaignkit.plugins.videos.submissions import is_https_url

AGREEMENT_PURPOSE = "videos.producer_agreement"
AGREEMENT_VERSION = "2026-12"
AGREEMENT_WORDING = (
    "I agree to the producer agreement: the videos I submit are my own work; I have the "
    "consent of everyone who appears in them and the rights to any music, footage or images "
    "they use; the campaign may review, edit captions of, publish, share and take down what I "
    "submit; and my name and the details I give here are kept to run the producer network."
)
#: Roles that become "producer" on approval (others already hold more).
PROMOTED_ROLES = ("supporter", "volunteer")
DECISIONS = {"approve": APPROVED, "reject": REJECTED, "revoke": REVOKED}


def producer_of(user_id: int) -> Producer | None:
    """The producer application of an account, if it made one."""
    return db_session().scalar(select(Producer).where(Producer.user_id == user_id))


def _application_problem(form) -> str | None:  # noqa: ANN001 - a MultiDict
    if not one_line(form.get("credit_name")):
        return "Give the name to credit you with."
    if len(one_line(form.get("credit_name"))) > max_length(Producer.credit_name):
        return f"Please shorten your name to {max_length(Producer.credit_name)} characters."
    portfolio = one_line(form.get("portfolio_url"))
    if portfolio and (not is_https_url(portfolio) or len(portfolio) > 2000):
        return "The portfolio link must be an https:// address (up to 2000 characters)."
    if len(form.get("skills", "")) > 5000:
        return "Please keep your skills to 5000 characters."
    if form.get("agree") != "yes":
        return "Tick the box to accept the producer agreement."
    return None


@bp.route("/apply", methods=["GET", "POST"])
@signin_required
@rate_limited(lambda: plugin_settings("videos").submit_rate)
def apply():
    """Apply to make videos: portfolio link, skills and the producer agreement."""
    existing = producer_of(current_user.id)
    error, form = None, request.form
    if request.method == "POST":
        if existing is not None and existing.status in (PENDING, APPROVED):
            error = "You have already applied."
        else:
            error = _application_problem(form)
        if error is None:
            _store_application(form)
            flash("Thank you: an organiser will look at your application.", "success")
            return redirect(url_for(".apply"), 303)
    page = render_template(
        "videos/apply.html", producer=existing, error=error, form=form, wording=AGREEMENT_WORDING
    )
    return page, 400 if error else 200


def _store_application(form) -> None:  # noqa: ANN001 - a MultiDict
    moment = now()
    with write_session() as session:
        consent = record_consent(
            session,
            email=current_user.email,
            purpose=AGREEMENT_PURPOSE,
            wording=AGREEMENT_WORDING,
            version=AGREEMENT_VERSION,
            source="videos apply form",
            user_id=current_user.id,
        )
        session.flush()
        row = session.scalar(select(Producer).where(Producer.user_id == current_user.id))
        if row is None:
            row = Producer(user_id=current_user.id, created_at=moment)
            session.add(row)
        row.credit_name = one_line(form.get("credit_name"))
        row.portfolio_url = one_line(form.get("portfolio_url"))
        row.skills = form.get("skills", "").strip()
        row.status, row.consent_id = PENDING, consent.id
        row.decided_by, row.decided_at, row.updated_at = None, None, moment


@bp.get("/producers")
@require_permission("members.approve")
def producers():
    """Producer applications, waiting ones first."""
    rows = db_session().scalars(
        select(Producer).order_by(Producer.status != PENDING, Producer.created_at.desc())
    )
    people = [(row, load_user(row.user_id)) for row in rows]
    return render_template("videos/producers.html", people=people)


@bp.post("/producers/<int:producer_id>/decision")
@require_permission("members.approve")
def decide(producer_id: int):
    """Approve, reject or revoke a producer; approval gives a supporter the producer role."""
    status = DECISIONS.get(request.form.get("decision", ""))
    if status is None:
        abort(400, description="Choose approve, reject or revoke.")
    with write_session() as session:
        row = session.get(Producer, producer_id)
        if row is None:
            abort(404)
        row.status, row.decided_by, row.decided_at = status, current_user.id, now()
        row.updated_at = row.decided_at
        user_id = row.user_id
    user = load_user(user_id)
    if status == APPROVED and user.role in PROMOTED_ROLES:
        set_role(user_id, "producer")
    elif status != APPROVED and user.role == "producer":
        set_role(user_id, "supporter")
    flash(f"{user.email} is {status} as a producer.", "success")
    return redirect(url_for(".producers"), 303)
