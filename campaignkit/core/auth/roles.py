"""Roles and permissions: plugins declare which roles hold each permission; admin holds all.

Permissions come from the ``campaignkit_permissions`` hook, collected once
while the app is built. A permission nobody declared is held by admins only,
so a typo in a view's ``require_permission`` fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pluggy
from argon2 import PasswordHasher
from flask import current_app

from campaignkit.core.auth.models import APPROVED, PENDING
from campaignkit.core.auth.throttle import SigninThrottle
from campaignkit.core.config import AccountsSection
from campaignkit.core.registry import PluginError, call_each

EXTENSION = "campaignkit.auth"
ROLES = ("supporter", "volunteer", "host", "organiser", "moderator", "producer", "admin")
ADMIN = "admin"
DEFAULT_ROLE = "supporter"

#: Core's own permissions.
CORE_PERMISSIONS: dict[str, list[str]] = {
    "members.view": ["organiser", "moderator"],
    "members.approve": ["organiser"],
    "members.roles": [],
    "invites.manage": ["organiser"],
    "tokens.manage": ["organiser"],
    "privacy.manage": [],
    "privacy.audit": ["organiser"],
    "site.metrics": ["organiser"],
}


def collect_permissions(manager: pluggy.PluginManager) -> dict[str, frozenset[str]]:
    """Merge every plugin's declared permissions; a malformed declaration stops start-up."""
    merged: dict[str, frozenset[str]] = {}
    for plugin, declared in call_each(manager, "campaignkit_permissions", isolate=False):
        if not isinstance(declared, dict):
            raise PluginError(
                f"plugin '{plugin}': campaignkit_permissions must return a dict, "
                f"not {type(declared).__name__}"
            )
        for name, roles in declared.items():
            if not isinstance(name, str) or isinstance(roles, str):
                raise PluginError(
                    f"plugin '{plugin}': permission {name!r} must map to a list of roles"
                )
            unknown = sorted(set(roles) - set(ROLES))
            if unknown:
                raise PluginError(
                    f"plugin '{plugin}': permission '{name}' names unknown roles "
                    f"{', '.join(unknown)} (roles: {', '.join(ROLES)})"
                )
            merged[name] = merged.get(name, frozenset()) | frozenset(roles) | {ADMIN}
    return merged


def is_approved(user: object, require_approval: bool) -> bool:
    """True when a signed-in user counts as an approved member."""
    approval = getattr(user, "approval", None)
    return approval == APPROVED or (approval == PENDING and not require_approval)


def role_has(permissions: dict[str, frozenset[str]], role: str, permission: str) -> bool:
    """True when the role holds the permission (admin holds every one)."""
    return role == ADMIN or role in permissions.get(permission, frozenset())


def permissions_of(permissions: dict[str, frozenset[str]], role: str) -> list[str]:
    """Every declared permission the role holds, sorted."""
    return sorted(name for name in permissions if role_has(permissions, role, name))


@dataclass
class AuthState:
    """What accounts keep in ``app.extensions["campaignkit.auth"]``."""

    settings: AccountsSection
    hasher: PasswordHasher
    #: permission name -> roles that hold it (admin holds every permission)
    permissions: dict[str, frozenset[str]]
    throttle: SigninThrottle


def auth_state() -> AuthState:
    """The running app's accounts state."""
    return current_app.extensions[EXTENSION]
