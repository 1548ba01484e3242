"""The volunteer's pages: the campaigns to call for, "next call", the call itself, the outcome.

Everything needs ``phonebank.call`` (held by approved volunteers, so core's
membership approval is the vetting). A volunteer sees one contact at a time,
only while they hold its lease: never a list, never a number after its call.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core import (
    current_user,
    db_session,
    form_int,
    require_permission,
    write_session,
)
from campaignkit.plugins.phonebank import outcomes
from campaignkit.plugins.phonebank.calling import read_outcome, script_for
from campaignkit.plugins.phonebank.models import (
    OUTCOME_LABELS,
    RUNNING,
    Contact,
    PhoneCampaign,
    Target,
    Volunteer,
)
from campaignkit.plugins.phonebank.numbers import home_zone
from campaignkit.plugins.phonebank.queue import current_lease, next_call

bp = Blueprint("phonebank", __name__, url_prefix="/phonebank")


def _my_count() -> int:
    query = select(Volunteer.calls).where(Volunteer.user_id == current_user.id)
    return db_session().scalar(query) or 0


def _release_reader() -> int:
    """The volunteer's id, after handing the request's read connection back to the pool.

    Many volunteers press "next call" at once: a request that held its read
    connection while it waited for its write turn could leave the pool empty
    for the writers ahead of it.
    """
    user_id = current_user.id
    db_session().rollback()
    return user_id


@bp.get("")
@require_permission("phonebank.call")
def index():
    """The running campaigns, and how many calls the volunteer has made."""
    campaigns = db_session().scalars(
        select(PhoneCampaign).where(PhoneCampaign.status == RUNNING).order_by(PhoneCampaign.id)
    )
    return render_template("phonebank/index.html", campaigns=list(campaigns), count=_my_count())


@bp.get("/<int:campaign_id>")
@require_permission("phonebank.call")
def call_page(campaign_id: int):
    """The call the volunteer holds (script, ``tel:`` link, outcome form), or "next call"."""
    session = db_session()
    campaign = session.get(PhoneCampaign, campaign_id)
    if campaign is None:
        abort(404)
    volunteer = session.scalars(
        select(Volunteer).where(Volunteer.user_id == current_user.id)
    ).first()
    lease = current_lease(session, volunteer, datetime.now(UTC)) if volunteer else None
    if lease is not None and lease.campaign_id != campaign_id:
        return redirect(url_for(".call_page", campaign_id=lease.campaign_id), 303)
    contact = session.get(Contact, lease.contact_id) if lease else None
    page = render_template(
        "phonebank/call.html", campaign=campaign, lease=lease, contact=contact,
        script=script_for(campaign, contact) if contact else "", outcomes=OUTCOME_LABELS,
        zone=contact.time_zones.split()[0] if contact else "", count=_my_count(),
    )  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/<int:campaign_id>/next")
@require_permission("phonebank.call")
def take_next(campaign_id: int):
    """Hand the volunteer one call under a lease (the one they hold, if any)."""
    if db_session().get(PhoneCampaign, campaign_id) is None:
        abort(404)
    user_id = _release_reader()
    with write_session() as session:
        lease = next_call(session, campaign_id, user_id, datetime.now(UTC))
    if lease is None:
        flash("Nobody is waiting for a call right now: it may be outside calling hours "
              "where they live, or everyone has been called. Thank you!", "info")  # fmt: skip
    target = lease.campaign_id if lease else campaign_id
    return redirect(url_for(".call_page", campaign_id=target), 303)


@bp.post("/calls/<token>")
@require_permission("phonebank.call")
def record_outcome(token: str):
    """Record what came of a call; the same form posted twice is recorded once."""
    campaign_id = form_int("campaign_id", 0, 0, 2**31 - 1)
    campaign = db_session().get(PhoneCampaign, campaign_id) if campaign_id else None
    if campaign is None or len(token) > 64:
        abort(404)
    target = db_session().scalars(select(Target).where(Target.lease_token == token)).first()
    contact = db_session().get(Contact, target.contact_id) if target else None
    zone = contact.time_zones.split()[0] if contact else home_zone()
    try:
        outcome = read_outcome(request.form, campaign.questions or [], zone, datetime.now(UTC))
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".call_page", campaign_id=campaign.id), 303)
    user_id = _release_reader()
    with write_session() as session:
        result = outcomes.record(session, token, user_id, outcome, datetime.now(UTC))
    if result == outcomes.RECORDED:
        flash("Thank you: call recorded.", "success")
    elif result == outcomes.ALREADY:
        flash("That call was already recorded.", "info")
    else:
        flash("That call's time ran out and it went back on the list.", "info")
    return redirect(url_for(".call_page", campaign_id=campaign.id), 303)
