"""Hosting pages: create, edit, duplicate and cancel events; mark who came.

Members holding ``events.host`` create events; the event's hosts and
moderators manage it. An event is saved only when every field is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from campaignkit.core.auth.access import (
    current_member_approved,
    has_permission,
    require_permission,
    signin_required,
)
from campaignkit.core.auth.accounts import find_user, set_role
from campaignkit.core.auth.redirects import safe_next
from campaignkit.core.auth.roles import auth_state, is_approved
from campaignkit.core.events.models import GOING, Event, EventHost
from campaignkit.core.events.rsvp import mark_attendance, rsvps_of
from campaignkit.core.events.service import (
    cancel_event,
    create_event,
    form_values,
    may_manage,
    update_event,
)
from campaignkit.core.events.settings import default_timezone, event_types
from campaignkit.core.events.validation import EventInvalid, clean_event, locate_postcode
from campaignkit.core.geo import GeocodeError
from campaignkit.core.session import db_session, write_session

bp = Blueprint("host", __name__, url_prefix="/host/events")
#: Roles a member may swap for "host" by offering to host (the others hold more already).
HOSTING_ROLES = ("supporter", "volunteer")
PREFILL_POSTCODE = re.compile(r"^[A-Z0-9 ]{2,16}$")
PREFILL_SEAT = re.compile(r"^[A-Za-z0-9-]{1,16}$")


def managed_event(event_id: int) -> Event:
    """The event if the signed-in person hosts or moderates it; 404 or 403 otherwise."""
    event = db_session().get(Event, event_id)
    if event is None:
        abort(404)
    if not may_manage(db_session(), event, current_user):
        abort(403, description="Only the event's hosts and organisers can do that.")
    return event


def _form(  # noqa: ANN202
    values: dict, problems: dict, action: str, heading: str, status: int = 200, note: str = ""
):
    page = render_template(
        "events/form.html", values=values, problems=problems, action=action, heading=heading,
        types=event_types(), postcode_note=note,
    )  # fmt: skip
    return page, status


def prefill(args: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """Initial new-event values from a link (``?postcode=...&seat=CODE``) and a note for the host.

    Only a starting point: a postcode or seat code that does not look like
    one is dropped, and the saved event's seat still comes from geocoding the
    postcode that is posted. The note names the seat the postcode lies in, or
    says that it is not the seat the link was made for.
    """
    postcode = " ".join(str(args.get("postcode", "")).upper().split())
    seat = str(args.get("seat", "")).strip()
    if not PREFILL_POSTCODE.match(postcode):
        return {}, ""
    try:
        found = locate_postcode(postcode)
    except GeocodeError:
        return {"postcode": postcode}, ""
    code, name = found["seat_code"], found["seat_name"]
    if not code:
        return {"postcode": postcode}, ""
    if PREFILL_SEAT.match(seat) and seat != code:
        return {"postcode": postcode}, (
            f"{postcode} is in {name}, not the seat you came from: "
            "give a postcode in the seat the event is for."
        )
    return {"postcode": postcode}, (
        f"{postcode} is in {name}. Change it to the venue's postcode if you know it; "
        "the event's seat comes from the postcode you save."
    )


@bp.get("")
@signin_required
def mine():
    """The events the signed-in person hosts."""
    query = (
        select(Event)
        .join(EventHost, EventHost.event_id == Event.id)
        .where(EventHost.user_id == current_user.id)
        .order_by(Event.starts_at.desc())
    )
    return render_template("events/mine.html", events=db_session().scalars(query).all())


def may_become_host(user: object) -> bool:
    """Whether a signed-in member may make themselves a host: approved, supporter or volunteer."""
    if not getattr(user, "is_authenticated", False):
        return False
    approved = is_approved(user, auth_state().settings.require_approval)
    return approved and getattr(user, "role", None) in HOSTING_ROLES


def hosting_open_to(user: object) -> bool:
    """Whether a "host an event here" link leads somewhere for this person.

    True for people not signed in (they sign in first), hosts, and members
    who may become hosts; False for accounts waiting for approval and for
    roles that cannot host, so the link is shown only when it is useful.
    """
    if not getattr(user, "is_authenticated", False):
        return True
    return has_permission(user, "events.host") or may_become_host(user)


def offer_hosting():  # noqa: ANN201 - a Flask response
    """The page offering to become a host, to a member who may not host events yet."""
    here = request.full_path if request.query_string else request.path
    offer = may_become_host(current_user)
    page = render_template(
        "events/become_host.html", offer=offer, waiting=not current_member_approved(), next=here
    )
    return page, 200 if offer else 403


@bp.post("/become")
@signin_required
def become_host():
    """Make the member a host, then back to the (prefilled) new-event form they came from.

    Core's vetting decides who may: approved members (``[accounts]
    require_approval``) who are supporters or volunteers. A new host's events
    are moderated as any new host's are (``hold_new_hosts``, banned words).
    """
    if not has_permission(current_user, "events.host"):
        if not may_become_host(current_user):
            abort(403, description="Your account cannot host events yet: ask an organiser.")
        set_role(current_user.id, "host")
        flash("You are a host now: fill in your event below.", "success")
    target = safe_next(request.form.get("next")) or ""
    if not target.startswith(url_for(".new")):
        target = url_for(".new")
    return redirect(target, 303)


@bp.route("/new", methods=["GET", "POST"])
@signin_required
def new():
    """Create an event: published at once for trusted hosts, else sent to moderation.

    A member who may not host yet is offered to become a host instead.
    """
    if not has_permission(current_user, "events.host"):
        return offer_hosting()
    action = url_for(".new")
    if request.method == "GET":
        values, note = prefill(request.args)
        values = {"timezone": default_timezone(), "type": "canvass", **values}
        return _form(values, {}, action, "New event", note=note)
    try:
        values = clean_event(request.form, event_types(), require_place=True)
    except EventInvalid as exc:
        return _form(request.form.to_dict(), exc.problems, action, "New event", 400)
    event = create_event(values, current_user)
    if event.status == "approved":
        flash("Your event is published.", "success")
    else:
        flash("Thanks! An organiser will check your event before it is published.", "info")
    return redirect(url_for("events.detail", event_id=event.id), 303)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@signin_required
def edit(event_id: int):
    """Change an event; people coming are told. Capacity cannot drop below places taken."""
    event = managed_event(event_id)
    action = url_for(".edit", event_id=event.id)
    if request.method == "GET":
        return _form(form_values(event), {}, action, f"Edit: {event.title}")
    try:
        values = clean_event(request.form, event_types(), taken=event.going, require_place=True)
        update_event(event.id, values)
    except EventInvalid as exc:
        return _form(request.form.to_dict(), exc.problems, action, f"Edit: {event.title}", 400)
    flash("Saved. Everyone coming has been told about the change.", "success")
    return redirect(url_for("events.detail", event_id=event.id), 303)


@bp.get("/<int:event_id>/duplicate")
@require_permission("events.host")
def duplicate(event_id: int):
    """A new-event form filled in from an existing event (pick a new date)."""
    event = managed_event(event_id)
    values = form_values(event)
    values["date"] = ""
    return _form(values, {}, url_for(".new"), f"Copy of {event.title}")


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@signin_required
def cancel(event_id: int):
    """Cancel an event after confirming; everyone who said they would come is told."""
    event = managed_event(event_id)
    if request.method == "GET":
        return render_template("events/cancel.html", event=event)
    cancel_event(event.id, request.form.get("reason", "")[:2000])
    flash("The event is cancelled and everyone coming has been told.", "info")
    return redirect(url_for("events.detail", event_id=event.id), 303)


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@signin_required
def attendance(event_id: int):
    """The list of people coming, with a box per person to mark who came."""
    event = managed_event(event_id)
    if request.method == "POST":
        people = rsvps_of(db_session(), event.id, GOING)
        came = {r.id: request.form.get(f"came-{r.id}") == "yes" for r in people}
        marked = mark_attendance(event.id, came)
        flash(f"Attendance saved for {marked} people.", "success")
        return redirect(url_for(".attendance", event_id=event.id), 303)
    return render_template(
        "events/attendance.html", event=event, people=rsvps_of(db_session(), event.id)
    )


@bp.post("/<int:event_id>/hosts")
@signin_required
def add_host(event_id: int):
    """Make another member a co-host of the event."""
    event = managed_event(event_id)
    user = find_user(request.form.get("email", ""))
    if user is None or not user.is_active:
        flash("No member has that email address.", "error")
    else:
        with write_session() as session:
            if session.get(EventHost, (event.id, user.id)) is None:
                session.add(EventHost(event_id=event.id, user_id=user.id))
        flash(f"{user.email} now hosts this event too.", "success")
    return redirect(url_for("events.detail", event_id=event.id), 303)
