"""Apps: a directory of the kit's own tools and the community's apps, as the Bern Kit had.

Everyone sees ``/apps`` (filtered by category) and its JSON feed
``/apps.json``; signed-in supporters submit apps, which organisers with
``apps.review`` approve or reject (the reason is mailed). A periodic job
checks every link through the outbound guard and flags the dead ones for
review. ``campaignkit apps import/export`` reads and writes the Bern Kit's CSV
layout. Settings (``[plugins.apps]``)::

    submit_rate = "5 per hour;20 per day"   # submissions per signed-in person
    check_hours = 24                        # how often each link is checked
    check_timeout_s = 10                    # how long one link may take to answer
    insecure_servers = []                   # "host:port" checked over http (tests only)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.apps import admin, linkcheck, personal_data, views


class AppsSettings(BaseModel):
    """``[plugins.apps]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    submit_rate: RateText = "5 per hour;20 per day"
    check_hours: float = Field(default=24, gt=0, le=24 * 90)
    check_timeout_s: float = Field(default=10, gt=0, le=60)
    insecure_servers: tuple[str, ...] = ()


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return AppsSettings


@hookimpl
def campaignkit_blueprints():
    """The directory, its feed and submission form, and the organiser pages."""
    return [views.bp, admin.bp]


@hookimpl
def campaignkit_jobs(huey):
    """The link check, on demand and every hour for links due."""
    linkcheck.register(huey)


@hookimpl
def campaignkit_nav_items(user):
    """An "Apps" link for everyone, and the review page for organisers."""
    items = [NavItem("Apps", "/apps", order=90)]
    if has_permission(user, "apps.review"):
        items.append(NavItem("Apps review", "/organise/apps", order=890))
    return items


@hookimpl
def campaignkit_commands(cli):
    """``campaignkit apps import|export|check-links``."""
    from campaignkit.plugins.apps.cli import apps

    cli.add_command(apps)


@hookimpl
def campaignkit_permissions():
    """Who reviews submitted apps and the links that stopped answering."""
    return {"apps.review": ["organiser"]}


@hookimpl
def campaignkit_personal_data(subject, session):
    """The apps a person submitted."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Take a person's account off the apps they submitted."""
    return personal_data.erase(subject, session)
