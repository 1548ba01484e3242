"""Core's own hook implementations, registered like a plugin named "core"."""

from __future__ import annotations

from flask import url_for

from campaignkit import hookimpl
from campaignkit.core.auth.access import has_permission
from campaignkit.core.auth.roles import CORE_PERMISSIONS
from campaignkit.core.events import personal_data as events_data
from campaignkit.core.events.setup import EVENT_PERMISSIONS
from campaignkit.core.pages import NavItem
from campaignkit.core.privacy import core_data


@hookimpl
def campaignkit_needs():
    """Events find places from postcodes, so core needs a geocoder."""
    return ["geocode"]


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
    if has_permission(user, "privacy.manage"):
        items.append(NavItem("Privacy", url_for("privacy.organise"), order=950))
    elif has_permission(user, "privacy.audit"):
        items.append(NavItem("Privacy", url_for("privacy.audit_log"), order=950))
    items.append(NavItem("Account", url_for("auth.account"), order=990))
    items.append(NavItem("Sign out", url_for("auth.signout"), order=1000))
    return items


@hookimpl
def campaignkit_permissions():
    """Core's permissions: members, invitations, API tokens, roles, events, flags, privacy."""
    return {**CORE_PERMISSIONS, **EVENT_PERMISSIONS}


@hookimpl
def campaignkit_personal_data(subject, session):
    """Core's data about a person: account, consents, invitations, tokens, exports, events."""
    return {
        **core_data.personal_data(subject, session),
        **events_data.personal_data(subject, session),
    }


@hookimpl
def campaignkit_erase_personal_data(subject, session):
    """Erase core's data about a person; runs after every plugin's, deleting the account last."""
    return events_data.erase(subject, session) + core_data.erase(subject, session)


@hookimpl
def campaignkit_purge_personal_data(older_than, session):
    """Remove old sign-in failures and dead invitations; anonymise RSVPs of long-past events."""
    return core_data.purge(older_than, session) + events_data.purge(older_than, session)
