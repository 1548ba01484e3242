"""Core's own hook implementations, registered like a plugin named "core"."""

from __future__ import annotations

from flask import url_for

from campaignkit import hookimpl
from campaignkit.core.pages import NavItem


@hookimpl
def campaignkit_nav_items(user):
    """Core puts "Home" first in the navigation."""
    return [NavItem("Home", url_for("core.home"), order=0)]
