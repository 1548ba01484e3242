"""Organisers' pages: the moderation queue and the group's events settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from campaignkit.core.auth.access import require_permission
from campaignkit.core.events.models import PENDING, Event
from campaignkit.core.events.rsvp import RsvpError
from campaignkit.core.events.service import moderate
from campaignkit.core.events.settings import DEFAULTS, get_setting, set_setting
from campaignkit.core.parsing import ParseError, parse_int
from campaignkit.core.session import db_session, write_session

bp = Blueprint("event_moderation", __name__, url_prefix="/organise/events")


@bp.get("")
@require_permission("events.moderate")
def queue():
    """Events waiting for approval, oldest first."""
    pending = db_session().scalars(
        select(Event).where(Event.status == PENDING).order_by(Event.created_at, Event.id)
    )
    return render_template("events/queue.html", events=list(pending))


@bp.post("/<int:event_id>/decide")
@require_permission("events.moderate")
def decide(event_id: int):
    """Approve or reject one event; its hosts are told."""
    approve = request.form.get("decision") == "approve"
    try:
        event = moderate(event_id, approve, request.form.get("note", ""))
    except RsvpError:  # the event is gone
        abort(404)
    flash(f"'{event.title}' {'approved' if approve else 'rejected'}.", "success")
    return redirect(url_for(".queue"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@require_permission("events.settings")
def settings():
    """The carpool liability notice, banned words, when hosts become trusted, and whether
    untrusted hosts' events always wait for a moderator."""
    if request.method == "POST":
        try:
            trusted = parse_int(request.form.get("trusted_after"), 0, 10_000, "'Trusted after'")
        except ParseError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".settings"), 303)
        with write_session() as session:
            for key in DEFAULTS:
                set_setting(session, key, request.form.get(key, "").strip()[:5000])
            set_setting(session, "trusted_after", str(trusted))
            set_setting(session, "hold_new_hosts", request.form.get("hold_new_hosts") or "no")
        flash("Events settings saved.", "success")
        return redirect(url_for(".settings"), 303)
    values = {key: get_setting(db_session(), key) for key in DEFAULTS}
    return render_template("events/settings.html", values=values)
