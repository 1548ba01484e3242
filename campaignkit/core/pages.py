"""What plugins contribute to shared pages: navigation links and template slots."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_login import current_user
from markupsafe import Markup

from campaignkit.core.registry import call_each


@dataclass(frozen=True)
class NavItem:
    """A link in the site navigation; lower ``order`` comes first."""

    label: str
    url: str
    order: int = 100


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
    manager = current_app.extensions["campaignkit"].manager
    if user is None:
        user = signed_in_user()
    items: list[NavItem] = []
    for _plugin, contributed in call_each(manager, "campaignkit_nav_items", user=user):
        items.extend(item for item in contributed if isinstance(item, NavItem))
    return sorted(items, key=lambda item: (item.order, item.label))


def render_slot(name: str, context: dict) -> Markup:
    """The HTML every plugin contributes to a named slot, in enable order."""
    manager = current_app.extensions["campaignkit"].manager
    parts = call_each(manager, "campaignkit_template_slots", slot=name, context=context)
    # Slot contributions are HTML by contract (rendered by the plugin with autoescape).
    return Markup("\n".join(str(html) for _plugin, html in parts))  # noqa: S704
