"""Marginality for the kit's party: votes needed to win the seats it lost, majority where it holds.

Both figures are also given as a percentage of the seat's valid votes, and
each seat falls into a band by the thresholds in the plugin's settings
(``very_marginal_pct``, ``marginal_pct``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core import db_session, kit, plugin_settings
from campaignkit.plugins.marginals.data import Result, tables
from campaignkit.plugins.marginals.models import ImportedResult

DEFAULT_VERY_MARGINAL_PCT = 5.0
DEFAULT_MARGINAL_PCT = 10.0


@dataclass(frozen=True)
class Marginality:
    """How close a seat is for a party.

    ``held``: the party won it; ``votes``: its majority (held) or the votes
    it needs to win (lost); ``pct``: that as % of valid votes; ``band``:
    "very marginal", "marginal", "safe" (held) or "long shot" (lost).
    """

    code: str
    party: str
    held: bool
    votes: int
    pct: float
    band: str


def marginality(
    result: Result,
    party: str,
    very_marginal_pct: float = DEFAULT_VERY_MARGINAL_PCT,
    marginal_pct: float = DEFAULT_MARGINAL_PCT,
) -> Marginality:
    """The party's marginality in one seat from its result."""
    held = result.winner == party
    # Held: the majority. Lost: one more vote than the winner's lead over the party.
    votes = result.majority if held else result.winner_votes - result.votes.get(party, 0) + 1
    pct = round(100 * votes / result.valid_votes, 2) if result.valid_votes else 0.0
    if pct <= very_marginal_pct:
        band = "very marginal"
    elif pct <= marginal_pct:
        band = "marginal"
    else:
        band = "safe" if held else "long shot"
    return Marginality(result.code, party, held, votes, pct, band)


def imported_results(session: Session) -> dict[str, Result]:
    """Results imported with ``import-results``, by seat code (empty when none were)."""
    return {
        row.code: Result(
            row.code,
            row.winner,
            row.second,
            row.valid_votes,
            row.majority,
            row.winner_votes,
            dict(row.votes),
        )  # fmt: skip
        for row in session.scalars(select(ImportedResult))
    }


def current_results(kit_results: dict[str, Result], session: Session) -> dict[str, Result]:
    """The kit's results with any imported ones put in their place."""
    return {**kit_results, **imported_results(session)}


def kit_party() -> str | None:
    """The party whose marginals these are: the plugin settings' party, else the kit's."""
    return plugin_settings("marginals").party or kit().election.get("party")


def kit_party_name() -> str:
    """The party's name for plain words ("Labour"), from the kit's ``[election.party_names]``."""
    party = kit_party() or ""
    return str(kit().election.get("party_names", {}).get(party) or party.upper() or "Our party")


@dataclass(frozen=True)
class MarginWords:
    """What ``in_words`` takes from the kit: read once for a list of seats."""

    party: str  # the party's name, capitalised: "Labour"
    when: str  # " in 2024", or "" when the kit gives no year for its results


def margin_words() -> MarginWords:
    """The party's name and the results' year, as ``in_words`` puts them."""
    name = kit_party_name()
    year = kit().election.get("results_year")
    return MarginWords(name[:1].upper() + name[1:], f" in {year}" if year else "")


def in_words(margin: Marginality, words: MarginWords | None = None) -> str:
    """How close a seat is, for a newcomer: "Labour won by 707 votes here in 2024: ...".

    Pass ``words`` (``margin_words()``) when wording many seats at once.
    """
    words = words or margin_words()
    name, when = words.party, words.when
    if margin.held:
        close = margin.band in ("very marginal", "marginal")
        hint = ": a few more volunteers could hold it" if close else ""
        return f"{name} won by {margin.votes:,} votes here{when}{hint}"
    return f"{name} needs {margin.votes:,} more votes to win here"


def seats_marginality() -> dict[str, Marginality]:
    """Every seat's marginality for the instance's party and thresholds (imported results win)."""
    party, settings = kit_party(), plugin_settings("marginals")
    if not party:
        return {}
    results = current_results(tables().results, db_session())
    return {
        code: marginality(result, party, settings.very_marginal_pct, settings.marginal_pct)
        for code, result in results.items()
    }
