"""Pledges: pledge pages that collect and keep every signature.

Organisers create pledges (``campaignkit pledges create`` or the organiser
pages) and edit them from the dashboard; supporters sign with name, email,
postcode and an explicit consent box; each address counts once; double opt-in
by email is on by default. Settings (``[plugins.pledges]``)::

    double_opt_in = true              # count a signature once its emailed button is pressed
    sign_rate = "20 per minute;200 per hour"   # signing POSTs per address
    recent_signers = 10               # how many recent signers the page shows
"""

from __future__ import annotations

from flask import render_template
from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.pledges import (  # noqa: F401 - sharing adds its routes to views.bp
    admin,
    hookspecs,
    images,
    mailing,
    personal_data,
    sharing,
    views,
)


class PledgesSettings(BaseModel):
    """``[plugins.pledges]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    double_opt_in: bool = True
    sign_rate: RateText = "20 per minute;200 per hour"
    recent_signers: int = Field(default=10, ge=0, le=100)


@hookimpl
def campaignkit_addhooks(pluginmanager):
    """Add the hooks pledges offers to other plugins (its ``hookspecs`` module)."""
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def campaignkit_needs():
    """A signer's postcode gives their seat and next steps: pledges needs a geocoder."""
    return ["geocode"]


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return PledgesSettings


@hookimpl
def campaignkit_blueprints():
    """The public pledge pages and the organiser pages."""
    return [views.bp, admin.bp]


@hookimpl
def campaignkit_jobs(huey):
    """The job that emails every signer of a pledge."""
    mailing.register(huey)


@hookimpl
def campaignkit_nav_items(user):
    """A "Pledges" link to the open pledges for everyone; the organisers' pledge pages."""
    items = [NavItem("Pledges", "/pledges", order=55)]
    if has_permission(user, "pledges.manage"):
        items.append(NavItem("Manage pledges", "/organise/pledges", order=855))
    return items


@hookimpl
def campaignkit_template_slots(slot, context):
    """The open pledges (up to three) beside the home page."""
    if slot != "home_aside":
        return None
    pledges = views.open_pledges(limit=3)
    return render_template("pledges/home_card.html", pledges=pledges) if pledges else None


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit pledges ...``."""
    from campaignkit.plugins.pledges.cli import pledges

    cli.add_command(pledges)


@hookimpl
def campaignkit_permissions():
    """Who may manage pledges and export their signers."""
    return {"pledges.manage": ["organiser"], "pledges.export": ["organiser"]}


@hookimpl
def campaignkit_personal_data(subject, session):
    """A person's signatures."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Anonymise a person's signatures (they still count)."""
    return personal_data.erase(subject, session)


@hookimpl
def campaignkit_purge_personal_data(older_than, session):
    """Anonymise signatures made before ``older_than``."""
    return personal_data.purge(older_than, session)
