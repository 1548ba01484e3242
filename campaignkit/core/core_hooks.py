"""Core's own hook implementations, registered like a plugin named "core"."""

from __future__ import annotations

from flask import url_for

from campaignkit import hookimpl
from campaignkit.core.auth.access import has_permission
from campaignkit.core.auth.roles import CORE_PERMISSIONS
from campaignkit.core.events.setup import EVENT_PERMISSIONS
from campaignkit.core.pages import NavItem


@hookimpl
def campaignkit_nav_items(user):
    """Core puts "Home" first, and the account links last."""
    items = [
        NavItem("Home", url_for("core.home"), order=0),
        NavItem("Events", url_for("events.find"), order=50),
    ]
    if user is None:
        return [*items, NavItem("Sign in", url_for("auth.signin"), order=1000)]
    if has_permission(user, "members.view"):
        items.append(NavItem("Members", url_for("organise.members"), order=900))
    if has_permission(user, "events.host"):
        items.append(NavItem("Host", url_for("host.mine"), order=800))
    if has_permission(user, "events.moderate"):
        items.append(NavItem("Approve events", url_for("event_moderation.queue"), order=850))
    items.append(NavItem("Account", url_for("auth.account"), order=990))
    items.append(NavItem("Sign out", url_for("auth.signout"), order=1000))
    return items


@hookimpl
def campaignkit_permissions():
    """Core's permissions: members, invitations, API tokens, roles, events and flags."""
    return {**CORE_PERMISSIONS, **EVENT_PERMISSIONS}
