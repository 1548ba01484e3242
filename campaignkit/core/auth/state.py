"""What the accounts part of core keeps on the app, and how code reaches it."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from flask import current_app

from campaignkit.core.auth.throttle import SigninThrottle
from campaignkit.core.config import AccountsSection

EXTENSION = "campaignkit.auth"


@dataclass
class AuthState:
    """Kept in ``app.extensions["campaignkit.auth"]``."""

    settings: AccountsSection
    hasher: PasswordHasher
    #: permission name -> roles that have it (admin has every permission)
    permissions: dict[str, frozenset[str]]
    throttle: SigninThrottle


def auth_state() -> AuthState:
    """The running app's accounts state."""
    return current_app.extensions[EXTENSION]
