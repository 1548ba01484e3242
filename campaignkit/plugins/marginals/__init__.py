"""Marginals: postcode to seat, and how close each seat is for the kit's party.

The data layer: the kit's seat, result and postcode-area tables; exact
postcodes imported from Code-Point Open or the ONS Postcode Directory;
point-in-seat against the kit's boundaries; marginality for the kit's party.
Settings (``[plugins.marginals]``, defaults from the kit's ``[settings.marginals]``)::

    party = "lab"            # default: the kit's [election] party
    very_marginal_pct = 5.0
    marginal_pct = 10.0
    events_per_week_target = 2   # footfall wanted per target seat (the "need" mode)
    rsvps_per_week_target = 20
    half_score_km = 30.0         # distance at which a seat's need score halves
"""

from __future__ import annotations

from flask import render_template, url_for
from pydantic import BaseModel, ConfigDict, Field, model_validator

from campaignkit import hookimpl
from campaignkit.core import NavItem
from campaignkit.plugins.marginals import pages, personal_data, views
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.geocoding import geocode_query, seat_code_at, seat_ref
from campaignkit.plugins.marginals.marginality import (
    DEFAULT_MARGINAL_PCT,
    DEFAULT_VERY_MARGINAL_PCT,
)
from campaignkit.plugins.marginals.recommend import standing_and_marks


class MarginalsSettings(BaseModel):
    """``[plugins.marginals]`` settings: the party and the marginality thresholds (%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    party: str | None = None
    very_marginal_pct: float = DEFAULT_VERY_MARGINAL_PCT
    marginal_pct: float = DEFAULT_MARGINAL_PCT
    events_per_week_target: int = Field(default=2, ge=0, le=100)
    rsvps_per_week_target: int = Field(default=20, ge=0, le=10_000)
    half_score_km: float = Field(default=30.0, gt=0, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> MarginalsSettings:
        if not 0 <= self.very_marginal_pct <= self.marginal_pct <= 100:
            raise ValueError("need 0 <= very_marginal_pct <= marginal_pct <= 100")
        return self


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings: party and thresholds."""
    return MarginalsSettings


@hookimpl
def campaignkit_blueprints():
    """The seat-at and nearest-seats JSON API, and the volunteer's pages."""
    return [views.api, pages.pages]


@hookimpl
def campaignkit_permissions():
    """Organisers mark seats as targets and enter or correct a seat's result."""
    return {"marginals.targets": ["organiser"], "marginals.results": ["organiser"]}


@hookimpl
def campaignkit_nav_items(user):  # noqa: ARG001 - the same for everyone
    """Adds "Find a seat" to the navigation."""
    return [NavItem("Find a seat", url_for("marginals.find"), order=40)]


@hookimpl
def campaignkit_template_slots(slot, context):  # noqa: ARG001 - the same for everyone
    """The postcode box (and "use my location") at the top of the home page."""
    if slot != "home_main":
        return None
    return render_template("marginals/home_search.html")


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit marginals ...``: the importers."""
    from campaignkit.plugins.marginals.cli import marginals

    cli.add_command(marginals)


@hookimpl
def campaignkit_warm_up():
    """Read the kit's tables and boundaries and work out the seats' standing before any request."""
    data = tables()
    if data.boundaries_file.is_file():
        seat_index(data.boundaries_file)
    standing_and_marks(data)


@hookimpl
def campaignkit_geocode(query):
    """A postcode, sector, district or ``lat, lon`` as a Place (see ``geocoding``).

    None in a kit without postcode tables (the US kit: its ZIPs are the
    zipcodes plugin's), so another geocoder answers.
    """
    return geocode_query(query) if tables().has_postcodes else None


@hookimpl
def campaignkit_seat_at(lat, lon):
    """The kit seat whose boundary holds the position; None outside them (or without any)."""
    data = tables()
    if not data.boundaries_file.is_file():
        return None
    return seat_ref(data, seat_code_at(lat, lon))


@hookimpl
def campaignkit_personal_data(subject, session):
    """The seat marks an organiser holds and the changes they made to them."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Unlink an organiser from seat marks and their history (the rows stay)."""
    return personal_data.erase(subject, session)
