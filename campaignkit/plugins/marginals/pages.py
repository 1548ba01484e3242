"""The volunteer's pages: a postcode box that ranks seats, and a page for each seat.

Both work without JavaScript: the postcode box is a plain GET form, so the
results have an address that can be shared or bookmarked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from campaignkit.core import (
    GeocodeError,
    current_user,
    db_session,
    geocode,
    has_permission,
    hosting_open_to,
    parse_int,
    require_permission,
    upcoming_events_in_seats,
    write_session,
)
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.footfall import LISTED_AHEAD
from campaignkit.plugins.marginals.geocoding import NOT_COVERED_NATION, seat_postcode, seats_in
from campaignkit.plugins.marginals.hexmap import (
    BANDS,
    hex_map,
    is_tiled,
    margin_shades,
    need_shades,
)
from campaignkit.plugins.marginals.marginality import imported_results, in_words
from campaignkit.plugins.marginals.ranking import MODES
from campaignkit.plugins.marginals.recommend import (
    current_targets,
    reasons_for,
    recommend,
    seat_needs,
    standing,
    targets_note,
)
from campaignkit.plugins.marginals.results_import import store_results
from campaignkit.plugins.marginals.seatmap import searched_place, searched_seat, seat_outline_map
from campaignkit.plugins.marginals.targets import STATUSES, history, set_target
from campaignkit.plugins.marginals.us_results import ResultsLineError, read_simple
from campaignkit.plugins.marginals.when import local_start

pages = Blueprint(
    "marginals", __name__, url_prefix="/seats", static_folder="static", static_url_path="/static"
)
RESULTS = 8


@pages.get("")
def find():
    """The postcode box and, once a postcode is given, the ranked seats with their reasons."""
    postcode = request.args.get("postcode", "").strip()
    mode = request.args.get("mode", "nearest")
    mode = mode if mode in MODES else "nearest"
    place = found = error = None
    note = ""
    choices: list = []
    host_links: dict[str, str] = {}
    if postcode:
        try:
            place = geocode(postcode)
        except GeocodeError as problem:
            error = problem.message
            if problem.kind == "not-covered":  # offer the nation's seats as links instead
                error = "Northern Ireland postcodes are not covered yet. Please choose your seat:"
                choices = seats_in(NOT_COVERED_NATION)
        else:
            own = place.seat.code if place.seat else None
            found = recommend(place.lat, place.lon, mode, RESULTS, own)
            known = standing(tables())
            note = targets_note(known, current_targets(known)[1])
            typed = postcode if place.precision != "position" else None
            if hosting_open_to(current_user):
                host_links = {
                    i.code: host_link(i.code, typed if i.code == own else None) for i in found
                }
    return render_template(
        "marginals/find.html",
        postcode=postcode,
        mode=mode,
        place=place,
        found=found,
        error=error,
        note=note,
        host_links=host_links,
        choices=choices,
    )


def host_link(code: str, postcode: str | None = None) -> str:
    """The new-event form, prefilled with a postcode (the one given, else one in the seat)."""
    return url_for("host.new", postcode=postcode or seat_postcode(code), seat=code)


@pages.get("/<code>")
def seat(code: str):
    """One seat: its result, how close it is, why it matters and its upcoming events."""
    data = tables()
    chosen = data.seats.get(code)
    if chosen is None:
        abort(404, description="We do not know that seat.")
    known = standing(data)
    targets, _marked = current_targets(known)
    margin, target = known.margins.get(code), targets.get(code)
    organiser = has_permission(current_user, "marginals.targets")
    now = datetime.now(UTC)
    events = upcoming_events_in_seats([code], now, now + LISTED_AHEAD, per_seat=20)[code]
    this_week = sum(1 for event in events if _aware(event["starts_at"]) < now + timedelta(days=7))
    first = local_start(events[0]) if events else None
    reasons = reasons_for(0, True, margin, target, this_week, first)[1:] if target else []
    headline = in_words(margin) if margin is not None else ""
    reasons = [reason for reason in reasons if reason != headline]
    here = searched_place(request.args.get("postcode", ""))
    return render_template(
        "marginals/seat.html",
        seat=chosen,
        result=imported_results(db_session()).get(code) or data.results.get(code),
        may_enter=has_permission(current_user, "marginals.results"),
        margin=margin,
        target=target,
        reasons=reasons,
        headline=headline,
        events=events,
        organiser=organiser,
        statuses=STATUSES,
        changes=history(code) if organiser else [],
        host_url=host_link(code) if hosting_open_to(current_user) else None,
        svg=seat_outline_map(data, code, events, here),
    )


@pages.post("/<code>/target")
@require_permission("marginals.targets")
def mark(code: str):
    """Mark a seat target, defend or ignore, with a priority and notes (kept in its history)."""
    if code not in tables().seats:
        abort(404, description="We do not know that seat.")
    try:
        set_target(
            code,
            request.form.get("status", ""),
            parse_int(request.form.get("priority"), 1, 5, "priority"),
            request.form.get("notes", ""),
            current_user.id,
        )
    except ValueError as problem:
        flash(f"Not saved: {str(problem).rstrip('.')}.", "error")
    else:
        flash("Saved. The rankings use it from now on.", "success")
    return redirect(url_for(".seat", code=code))


@pages.post("/<code>/result")
@require_permission("marginals.results")
def enter_result(code: str):
    """Enter or correct a seat's result by hand: one ``party, votes`` (or ``party, 52.3%``) a line.

    The lines are checked together; a bad one is named and nothing is saved.
    """
    seats = set(tables().seats)
    if code not in seats:
        abort(404, description="We do not know that seat.")
    rows = []
    for number, text in enumerate(request.form.get("votes", "").splitlines()[:100], start=1):
        if text.strip():
            party, _comma, votes = text.partition(",")
            rows.append((number, {"district": code, "party": party, "votes": votes}))
    try:
        results = read_simple(rows, seats)
    except ResultsLineError as problem:
        flash(f"Not saved: {str(problem).rstrip('.')}.", "error")
    else:
        with write_session() as session:
            store_results(session, results, f"{code} entered by hand", replace_all=False)
        flash("Saved. The rankings use this result from now on.", "success")
    return redirect(url_for(".seat", code=code))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pages.get("/map")
def seat_map():
    """The hex map of every seat, shaded by marginality, and every seat listed by region.

    The searched seat (``postcode``, or ``seat`` by its code) is marked "you are here".
    """
    data = tables()
    known = standing(data)
    postcode = request.args.get("postcode", "").strip()
    here = searched_seat(postcode) or request.args.get("seat")
    here = here if here in data.seats else None
    regions: dict[str, list] = {}
    for one in sorted(data.seats.values(), key=lambda s: s.name):
        regions.setdefault(one.region, []).append(one)
    return render_template(
        "marginals/map.html",
        svg=hex_map(data, margin_shades(data, known.margins), ("margins", known.key), here),
        regions=sorted(regions.items()),
        here=data.seats[here] if here else None,
        postcode=postcode,
        margins=known.margins,
        bands=BANDS,
        tiled=is_tiled(data),
        organiser=has_permission(current_user, "marginals.targets"),
    )


@pages.get("/need-map")
@require_permission("marginals.targets")
def need_map():
    """Organisers' map: every seat shaded by its need score (distance aside), with a table."""
    data = tables()
    scores = seat_needs()
    rows = sorted(data.seats.values(), key=lambda s: (-scores.get(s.code, 0.0), s.name))
    return render_template(
        "marginals/need_map.html",
        svg=hex_map(data, need_shades(data, scores), ("need", tuple(sorted(scores.items())))),
        rows=rows,
        scores=scores,
    )
