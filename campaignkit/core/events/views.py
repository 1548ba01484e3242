"""Public event pages: find (list, calendar, map), an event, RSVP and withdrawing.

Anyone may look and RSVP (guests give a name and email and tick consent);
members-only events are shown to approved members only. A guest's browser keeps
only the claims of the RSVPs it made (opaque ids, never an address) in the session.
"""

from __future__ import annotations

from itertools import groupby

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from campaignkit.core.auth.access import current_member_approved, has_permission
from campaignkit.core.events.directions import geo_uri, osm_link, where_words
from campaignkit.core.events.finding import SearchError, read_search
from campaignkit.core.events.mapview import chosen_region, events_map, map_search
from campaignkit.core.events.models import APPROVED, GOING, WAITLIST, CarpoolOffer, Event, Rsvp
from campaignkit.core.events.queries import MAX_PAGE, Search, find_events
from campaignkit.core.events.regions import region_views
from campaignkit.core.events.rsvp import (
    CHECK_MAIL,
    RSVP_CONSENT,
    RsvpError,
    claimed_rsvp,
    read_withdraw_token,
    take_rsvp,
    withdraw,
)
from campaignkit.core.events.service import hosted_by, may_manage
from campaignkit.core.events.settings import RSVP_RATE, event_types, get_setting
from campaignkit.core.events.validation import chat_service
from campaignkit.core.parsing import in_zone, query_int
from campaignkit.core.ratelimit import rate_limited
from campaignkit.core.session import db_session
from campaignkit.core.state import current_instance

bp = Blueprint("events", __name__, url_prefix="/events")
VIEWS = ("list", "calendar", "map")
GUEST_KEY = "ck_rsvp_claims"
#: Where older versions kept guests' addresses; dropped on sight.
OLD_GUEST_KEY = "ck_guest_rsvps"
GUEST_WITHDRAW = "Sign in first, or use the link in the email we sent when you said you'd come."
CHECK_YOUR_MAIL = (
    "Check your email: we have sent a message to that address. "
    "It has a link to see or take back the RSVP."
)


def local(moment, zone: str):  # noqa: ANN001, ANN201 - datetimes
    """A stored time in the event's own time zone (in UTC if that would overflow)."""
    return in_zone(moment, zone)


bp.add_app_template_filter(local, "event_local")


def visible_event(event_id: int) -> Event:
    """The event if this person may see it; 404 otherwise (members-only and pending stay hidden)."""
    event = db_session().get(Event, event_id)
    if event is None:
        abort(404)
    if event.members_only and not current_member_approved():
        abort(404)
    hidden = event.status not in (APPROVED, "cancelled")
    if hidden and not may_manage(db_session(), event, current_user):
        abort(404)
    return event


@bp.get("")
def find():
    """Find events near a postcode or anywhere: as a list, a calendar or a map."""
    view = request.args.get("view") if request.args.get("view") in VIEWS else "list"
    types = event_types()
    error, label, found, region, centre = None, "", None, None, None
    data_dir = current_instance().kit.data_dir
    try:
        # A list near a place comes nearest first (each saying how far); a calendar by date.
        search, label = read_search(request.args, types, "distance" if view == "list" else "date")
        centre = (search.lat, search.lon) if search.lat is not None else None
        if view == "map":  # every event in the map's view: the place's, a region's or the country's
            region = chosen_region(data_dir, request.args.get("region"))
            search = map_search(data_dir, search, region)
        found = find_events(db_session(), search, query_int("page", 1, 1, MAX_PAGE))
    except SearchError as exc:
        error, search = exc.args[0], Search()
    days = []
    if found is not None and view == "calendar":
        days = [
            (day, list(items))
            for day, items in groupby(
                found.events, key=lambda pair: local(pair[0].starts_at, pair[0].timezone).date()
            )
        ]
    svg = None
    if found is not None and view == "map":
        svg = events_map(db_session(), data_dir, search, centre, label, region)
    args = {k: v for k, v in request.args.items() if k not in ("page", "view")}
    status = 400 if error else 200
    page = render_template(
        "events/find.html", found=found, error=error, label=label, view=view, types=types,
        args=args, days=days, svg=svg, search=search, region=region,
        regions=region_views(data_dir) if view == "map" else (),
        map_args={k: v for k, v in args.items() if k != "region"},
    )  # fmt: skip
    return page, status


def guest_claim(event_id: int) -> str | None:
    """The claim this browser holds on its own RSVP to the event, if it made one."""
    if OLD_GUEST_KEY in session:
        session.pop(OLD_GUEST_KEY)
    claim = session.get(GUEST_KEY, {}).get(str(event_id))
    return claim if isinstance(claim, str) else None


def my_rsvp(event_id: int) -> Rsvp | None:
    """This visitor's RSVP, only if shown to be theirs: a member's own, or this browser's."""
    db = db_session()
    if current_user.is_authenticated:
        rsvp = db.scalars(
            select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.email == current_user.email)
        ).first()
        if rsvp is not None and (rsvp.user_id == current_user.id or current_user.email_verified):
            return rsvp
        return None
    claim = guest_claim(event_id)
    return claimed_rsvp(db, event_id, claim) if claim else None


@bp.get("/<int:event_id>")
def detail(event_id: int):
    """One event: when, where, places left, chat group, carpools and the RSVP form."""
    event = visible_event(event_id)
    db = db_session()
    mine = my_rsvp(event.id)
    offers = list(db.scalars(select(CarpoolOffer).where(CarpoolOffer.event_id == event.id)))
    going = mine is not None and mine.status in (GOING, WAITLIST)
    return render_template(
        "events/detail.html", event=event, mine=mine, going=going, offers=offers,
        consent_text=RSVP_CONSENT, chat=chat_service(event.chat_url or "") if going else None,
        manage=may_manage(db, event, current_user),
        liability=get_setting(db, "liability_notice"),
        can_host=has_permission(current_user, "events.host"),
        where=where_words(event), directions=_directions(event), host=hosted_by(db, event),
    )  # fmt: skip


def _directions(event: Event) -> dict[str, str] | None:
    if event.lat is None or event.lon is None:
        return None
    label = event.venue or event.postcode
    return {"osm": osm_link(event.lat, event.lon), "geo": geo_uri(event.lat, event.lon, label)}


@bp.post("/<int:event_id>/rsvp")
@rate_limited(RSVP_RATE)
def rsvp(event_id: int):
    """Say you will come: members by their account, guests with name, email and consent."""
    visible_event(event_id)
    if current_user.is_authenticated:
        name = request.form.get("name") or current_user.email.split("@")[0]
        email, user_id, consent = current_user.email, current_user.id, True
        proven, claim = current_user.email_verified, None
    else:
        name, email = request.form.get("name", ""), request.form.get("email", "")
        user_id, consent = None, request.form.get("consent") == "yes"
        proven, claim = False, guest_claim(event_id)
    # Hand the read connection back before queueing for the write lock, so many
    # RSVPs arriving at once cannot use up the connection pool between them.
    db_session().rollback()
    here = url_for(".detail", event_id=event_id)
    try:
        result = take_rsvp(
            event_id, name=name, email=email, user_id=user_id, consent=consent,
            address_proven=proven, claim=claim,
        )  # fmt: skip
    except RsvpError as exc:
        flash(str(exc), "error")
        return redirect(here), 303
    if result.status == CHECK_MAIL:
        flash(CHECK_YOUR_MAIL, "info")
        return redirect(here), 303
    if user_id is None:  # remember the claim (never the address), so this browser can withdraw
        session[GUEST_KEY] = {**session.get(GUEST_KEY, {}), str(event_id): result.claim}
    if result.status == GOING:
        flash("You're going! We've saved your place.", "success")
    else:
        flash("The event is full, so you are on the waitlist. We'll tell you if a place frees up.")
    return redirect(here), 303


@bp.post("/<int:event_id>/withdraw")
def withdraw_rsvp(event_id: int):
    """Take back an RSVP: a member's, or a guest's made from this browser."""
    visible_event(event_id)
    if current_user.is_authenticated:
        mine = my_rsvp(event_id)
        if mine is not None:
            withdraw(event_id, mine.email)
    else:
        claim = guest_claim(event_id)
        if claim is None:
            abort(403, description=GUEST_WITHDRAW)
        withdraw(event_id, claim=claim)
    flash("You are no longer down as coming.", "info")
    return redirect(url_for(".detail", event_id=event_id)), 303


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
def withdraw_by_link(token: str):
    """The link in an RSVP's confirmation mail: confirm, then take the RSVP back."""
    found = read_withdraw_token(token)
    if found is None:
        abort(404)
    event = visible_event(found[0])
    if request.method == "GET":
        return render_template("events/withdraw.html", event=event, token=token)
    withdraw(event.id, found[1])
    flash("You are no longer down as coming. Thanks for letting the hosts know.", "info")
    return redirect(url_for(".detail", event_id=event.id)), 303
