"""Cascade: a forwardable message whose reach is counted, with no personal data.

Organisers (``cascade.manage``) write a message (text, an optional picture,
an https link) and start it; each person who opens a link gets their own
short link and forward buttons (WhatsApp, Telegram, Signal, SMS, copy), so
the reach tree is counted: opens, forwards and generations. Settings
(``[plugins.cascade]``)::

    open_rate = "60 per minute;600 per hour"      # link opens per address
    forward_rate = "30 per minute;300 per hour"   # forward and seat POSTs per address
    counter_seconds = 5                           # how long the public counter may be stale
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from campaignkit import hookimpl
from campaignkit.core import NavItem, RateText, has_permission
from campaignkit.plugins.cascade import admin, personal_data, views


class CascadeSettings(BaseModel):
    """``[plugins.cascade]`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    open_rate: RateText = "60 per minute;600 per hour"
    forward_rate: RateText = "30 per minute;300 per hour"
    counter_seconds: float = Field(default=5, ge=0, le=3600)


@hookimpl
def campaignkit_settings_schema():
    """The plugin's settings."""
    return CascadeSettings


@hookimpl
def campaignkit_blueprints():
    """The public link pages and the organiser pages."""
    return [views.bp, admin.bp]


@hookimpl
def campaignkit_nav_items(user):
    """A "Cascades" link for organisers."""
    if has_permission(user, "cascade.manage"):
        return [NavItem("Cascades", "/organise/cascade", order=865)]
    return []


@hookimpl
def campaignkit_permissions():
    """Who may write, start and stop cascades and see their reach."""
    return {"cascade.manage": ["organiser"]}


@hookimpl
def campaignkit_personal_data(subject, session):
    """The cascades a person wrote (nodes hold no personal data)."""
    return personal_data.export(subject, session)


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Take a person's account off the cascades they wrote."""
    return personal_data.erase(subject, session)
