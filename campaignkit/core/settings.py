"""Read-only access to the running instance's settings from inside a request, job or command."""

from __future__ import annotations

from flask import current_app
from pydantic import BaseModel

from campaignkit.core.kits import Kit


def plugin_settings(name: str) -> BaseModel:
    """The validated ``[plugins.<name>]`` settings of an enabled plugin."""
    return current_app.extensions["campaignkit"].instance.plugin_settings[name]


def kit() -> Kit:
    """The instance's kit (its folder, election details and data)."""
    return current_app.extensions["campaignkit"].instance.kit


def campaign_name() -> str:
    """The campaign's name as set in ``campaign.toml``."""
    return current_app.extensions["campaignkit"].instance.config.campaign.name
