"""What plugins contribute to shared pages: navigation links and template slots.

A plugin whose contribution fails (it raises, or returns something unusable)
is logged with its name and left out; the page still renders with everyone
else's contributions.
"""

from __future__ import annotations

import logging

from flask import current_app, has_request_context
from flask_login import current_user
from markupsafe import Markup

from campaignkit.core.hooktypes import NavItem
from campaignkit.core.registry import call_each
from campaignkit.core.state import current_manager

log = logging.getLogger(__name__)


def contributed_items(plugin: str, hook: str, contributed: object, kind: type) -> list:
    """One plugin's contribution to a shared list, keeping only ``kind`` items.

    A single item counts as a list of one. An answer that fails while it is
    read (a generator that raises) or holds items of another type is logged
    with the plugin's name and left out, never turned into a 500.
    """
    if isinstance(contributed, kind):
        return [contributed]
    try:
        items = list(contributed)  # a generator may raise only here
    except Exception:  # noqa: BLE001 - a broken contribution is left out, not a 500
        log.exception("plugin %r failed in %s; its contribution is left out", plugin, hook)
        return []
    unusable = [item for item in items if not isinstance(item, kind)]
    if unusable:
        log.error(
            "plugin %r returned %d item(s) from %s that are not %s; they are left out",
            plugin,
            len(unusable),
            hook,
            kind.__name__,
        )
    return [item for item in items if isinstance(item, kind)]


def signed_in_user() -> object | None:
    """The signed-in user of this request, or None when nobody is signed in."""
    if not has_request_context() or not hasattr(current_app, "login_manager"):
        return None
    user = current_user._get_current_object()
    return user if user.is_authenticated else None


def nav_items(user: object = None) -> list[NavItem]:
    """Every plugin's navigation links for ``user`` (default: whoever is signed in), sorted.

    A plugin that raises is left out.
    """
    manager = current_manager()
    if user is None:
        user = signed_in_user()
    items: list[NavItem] = []
    for plugin, contributed in call_each(manager, "campaignkit_nav_items", user=user):
        items.extend(contributed_items(plugin, "campaignkit_nav_items", contributed, NavItem))
    return sorted(items, key=lambda item: (item.order, item.label))


def render_slot(name: str, context: dict) -> Markup:
    """The HTML every plugin contributes to a named slot, in enable order.

    A plugin that raises, or returns something other than a string, is logged
    and left out.
    """
    manager = current_manager()
    parts = []
    for plugin, html in call_each(
        manager, "campaignkit_template_slots", slot=name, context=context
    ):
        if isinstance(html, str):  # Markup is a str too
            parts.append(str(html))
        else:
            log.error(
                "plugin %r returned %s for slot %r instead of a string; it is left out",
                plugin,
                type(html).__name__,
                name,
            )
    # Slot contributions are HTML by contract (rendered by the plugin with autoescape).
    return Markup("\n".join(parts))  # noqa: S704
