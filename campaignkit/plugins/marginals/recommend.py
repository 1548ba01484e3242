"""Recommendations for a place: ranked seats with their figures, reasons in words and events.

Targets: organisers' marks (``targets``), read on every query; until any seat
is marked, every seat within the kit's marginality thresholds counts as one
(to win where the party lost, to defend where it won), very marginal seats at
priority 5 and marginal ones at 3. A kit with no results yet (the US kit
until they are imported or entered) counts every seat, at priority 1, so
seats rank by distance and need alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import literal, select, true

from campaignkit.core import (
    app_store,
    db_session,
    distance_text,
    distance_unit,
    plugin_settings,
    upcoming_events_by_seat,
    version,
)
from campaignkit.plugins.marginals.data import KitTables, tables
from campaignkit.plugins.marginals.footfall import (
    WEEK,
    EventsSnapshot,
    events_snapshot,
    take_snapshot,
)
from campaignkit.plugins.marginals.marginality import (
    Marginality,
    MarginWords,
    in_words,
    kit_party,
    margin_words,
    seats_marginality,
)
from campaignkit.plugins.marginals.models import ImportRecord, SeatTarget
from campaignkit.plugins.marginals.ranking import (
    NeedSettings,
    SeatArrays,
    Target,
    build_arrays,
    need_scores,
    rank,
)
from campaignkit.plugins.marginals.targets import STANDING_VERSION, marked_targets
from campaignkit.plugins.marginals.when import local_start, session_when

DEFAULT_TARGETS_NOTE = (
    "No seats have been marked yet, so every seat within the marginality thresholds "
    "counts as a target."
)
NO_RESULTS_NOTE = (
    "No election results have been entered yet, so seats are ranked by distance and need alone."
)


@dataclass(frozen=True)
class Recommendation:
    """One ranked seat: its figures, why it is suggested, and its upcoming events."""

    code: str
    name: str
    distance_km: float
    winner: str
    majority: int
    majority_pct: float
    votes_to_win: int | None
    priority: int
    need_score: float
    reasons: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    #: When the first listed event starts, in the kit's local days: "tomorrow, 00:30 BST".
    next_when: str = ""


def default_targets(margins: dict[str, Marginality]) -> dict[str, Target]:
    """Targets when none are marked: marginal seats, to win or to defend."""
    priorities = {"very marginal": 5, "marginal": 3}
    return {
        code: Target("defend" if m.held else "target", priorities[m.band])
        for code, m in margins.items()
        if m.band in priorities
    }


@dataclass(frozen=True)
class Standing:
    """What changes only with an import or the settings: margins, targets, seat arrays."""

    margins: dict[str, Marginality]
    targets: dict[str, Target]
    arrays: SeatArrays
    index: dict[str, int]
    key: tuple = ()
    no_results: bool = False


_standing: dict[tuple, Standing] = {}
_RESULTS_IMPORTED = select(ImportRecord.imported_at).where(ImportRecord.kind == "results")


#: When results were last imported, and every organiser's mark, in one round trip.
_RESULTS_AND_MARKS = select(
    _RESULTS_IMPORTED.scalar_subquery().label("imported_at"),
    SeatTarget.code,
    SeatTarget.status,
    SeatTarget.priority,
    SeatTarget.notes,
).select_from(select(literal(1).label("one")).subquery().outerjoin(SeatTarget, true()))


def standing_and_marks(data: KitTables) -> tuple[Standing, dict[str, Target]]:
    """``standing`` and the organisers' marks (``marked_targets``), read in one query and
    kept by the app until the ``marginals.standing`` version moves on (a mark or an import)."""
    store, seen = app_store("marginals"), version(STANDING_VERSION)
    kept = store.get("results_and_marks")
    if kept is None or kept[0] != seen:
        rows = db_session().execute(_RESULTS_AND_MARKS).all()
        marks = {row[1]: Target(*row[2:]) for row in rows if row[1] is not None}
        kept = store["results_and_marks"] = (seen, rows[0][0], marks)
    return standing(data, kept[1]), kept[2]


def standing(data: KitTables, imported_at: datetime | None | bool = False) -> Standing:
    """The seats' margins, targets and arrays, kept until results are imported again.

    ``imported_at``: when results were last imported, if the caller read it already.
    """
    settings = plugin_settings("marginals")
    if imported_at is False:
        imported_at = db_session().execute(_RESULTS_IMPORTED).scalar()
    key = (data.folder, kit_party(), settings.very_marginal_pct, settings.marginal_pct, imported_at)
    if key not in _standing:
        margins = seats_marginality()
        targets = default_targets(margins)
        if not margins:  # no results at all: every seat, ranked by distance and need
            targets = {code: Target("target", 1) for code in data.seats}
        positions = {code: seat.centroid for code, seat in data.seats.items()}
        arrays = build_arrays(positions, {c: m.pct for c, m in margins.items()}, targets, {})
        index = {code: i for i, code in enumerate(arrays.codes)}
        _standing.clear()  # one instance per process in production; tests build many
        _standing[key] = Standing(margins, targets, arrays, index, key, not margins)
    return _standing[key]


def current_targets(known: Standing) -> tuple[dict[str, Target], bool]:
    """The organisers' marks if there are any, else the default targets; and which it is."""
    marked = marked_targets()
    return (marked, True) if marked else (known.targets, False)


def targets_note(known: Standing, marked: bool) -> str:
    """What a page says about where its targets come from ("" once organisers marked seats)."""
    if known.no_results:
        return NO_RESULTS_NOTE
    return "" if marked else DEFAULT_TARGETS_NOTE


def with_footfall(
    known: Standing, footfall: dict[str, tuple[int, int]], marked: dict[str, Target] | None = None
) -> SeatArrays:
    """The seat arrays with this week's events and RSVPs (and any organisers' marks) filled in."""
    events, going = np.zeros(len(known.index)), np.zeros(len(known.index))
    for code, (count, rsvps) in footfall.items():
        if code in known.index:
            events[known.index[code]], going[known.index[code]] = count, rsvps
    priority = known.arrays.priority
    if marked:
        priority = np.zeros(len(known.index))
        for code, target in marked.items():
            if code in known.index and target.status != "ignore":
                priority[known.index[code]] = target.priority
    return dataclasses.replace(known.arrays, events=events, going=going, priority=priority)


_arrays_kept: list[tuple[Standing, EventsSnapshot, dict | None, SeatArrays]] = []


def _ranking_arrays(
    known: Standing, snapshot: EventsSnapshot, marked: dict[str, Target] | None
) -> SeatArrays:
    """``with_footfall`` for a snapshot, kept while the standing, snapshot and marks stay the same.

    The arrays (and what ``rank`` prepares from them) are then worked out once
    per events snapshot rather than on every query.
    """
    kept = _arrays_kept[0] if _arrays_kept else None
    if kept and kept[0] is known and kept[1] is snapshot and kept[2] == marked:
        return kept[3]
    arrays = with_footfall(known, snapshot.footfall, marked)
    _arrays_kept[:] = [(known, snapshot, marked, arrays)]
    return arrays


def seat_needs(now: datetime | None = None) -> dict[str, float]:
    """Every target seat's need score with distance left out (the organisers' map)."""
    now = now or datetime.now(UTC)
    known = standing(tables())
    targets, marked = current_targets(known)
    footfall = upcoming_events_by_seat(now, now + WEEK)
    arrays = with_footfall(known, footfall, targets if marked else None)
    scores = need_scores(arrays, np.zeros(len(arrays.codes)), need_settings())
    return {code: float(score) for code, score in zip(arrays.codes, scores, strict=True) if score}


def need_settings() -> NeedSettings:
    """The footfall targets and distance discount from the plugin's settings."""
    settings = plugin_settings("marginals")
    return NeedSettings(
        events_per_week=settings.events_per_week_target,
        rsvps_per_week=settings.rsvps_per_week_target,
        half_score_km=settings.half_score_km,
        marginal_pct=settings.marginal_pct,
    )


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ReasonWords:
    """What the reasons of one list share, read from the kit once for the list."""

    margin: MarginWords
    unit: str


def reason_words() -> ReasonWords:
    """The kit's party name, results year and distance unit, for ``reasons_for``."""
    return ReasonWords(margin_words(), distance_unit())


def reasons_for(
    distance_km: float,
    own: bool,
    margin: Marginality | None,
    target: Target,
    events: int,
    next_start: datetime | None = None,
    words: ReasonWords | None = None,
) -> list[str]:
    """Why a seat is suggested, in plain words: distance, the votes at stake, the events.

    ``events`` counts this week's; ``next_start`` is when the next listed one
    starts (in its local zone: ``when.local_start``), so a week with none says
    when the next is instead of "no events". Pass ``words`` (``reason_words()``)
    when giving reasons for many seats at once.
    """
    words = words or reason_words()
    reasons = ["your seat" if own else f"{distance_text(distance_km, 0, words.unit)} away"]
    if margin is not None:
        reasons.append(in_words(margin, words.margin))
    if target.status == "defend" and (margin is None or not margin.held):
        reasons.append("marked to defend")
    if events:
        reasons.append(f"{_plural(events, 'event')} this week")
    elif next_start is not None:
        reasons.append(f"next event {next_start:%a %-d %b}")
    else:
        reasons.append("no events planned yet")
    return reasons


def recommend(
    lat: float,
    lon: float,
    mode: str = "nearest",
    limit: int = 5,
    own: str | None = None,
    now: datetime | None = None,
) -> list[Recommendation]:
    """The ranked seats for a position, with reasons and each seat's upcoming events."""
    data = tables()
    known, marks = standing_and_marks(data)
    margins, (targets, marked) = known.margins, ((marks, True) if marks else (known.targets, False))
    if now is None:  # the live ranking: events as of the last few seconds (see footfall)
        snapshot = events_snapshot(datetime.now(UTC), list(known.index))
        seen_from = datetime.now(UTC)
    else:  # a ranking as of a given moment, read afresh
        snapshot = take_snapshot(now, list(known.index))
        seen_from = now
    footfall, events = snapshot.footfall, snapshot.listed
    arrays = _ranking_arrays(known, snapshot, targets if marked else None)
    ranked = rank(arrays, lat, lon, mode, limit, own, need_settings())
    words = reason_words()
    found = []
    for code, distance, score in ranked:
        seat, result, margin = data.seats[code], data.results.get(code), margins.get(code)
        target = targets[code]
        held = margin is not None and margin.held
        found.append(
            Recommendation(
                code=code,
                name=seat.name,
                distance_km=round(distance, 1),
                winner=result.winner if result else "",
                majority=result.majority if result else 0,
                majority_pct=margin.pct if held else _pct(result),
                votes_to_win=None if held or margin is None else margin.votes,
                priority=target.priority,
                need_score=score,
                reasons=reasons_for(
                    distance,
                    code == own,
                    margin,
                    target,
                    footfall.get(code, (0,))[0],
                    _first_start(events.get(code, [])),
                    words,
                ),  # fmt: skip
                events=events.get(code, []),
                next_when=session_when(events[code][0], seen_from) if events.get(code) else "",
            )
        )
    return found


def _first_start(events: list[dict]) -> datetime | None:
    """The first listed event's start in its local zone (events come soonest first)."""
    return local_start(events[0]) if events else None


def _pct(result) -> float:  # noqa: ANN001 - Result | None
    if result is None or not result.valid_votes:
        return 0.0
    return round(100 * result.majority / result.valid_votes, 2)
