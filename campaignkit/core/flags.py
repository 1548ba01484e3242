"""Feature flags with staged rollout: a percentage of users, roles and an allowlist.

A flag is on for a person when it is enabled and they are on its user
allowlist, hold one of its roles, or fall in its percentage. The percentage
uses a stable hash of the flag name and the user id, so raising it from 10
to 20 keeps the first 10% in. People who are not signed in see a flag only
at 100%. Guard a view with ``flag_required("name")`` or a template block
with ``{% if flag_enabled("name") %}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaignkit.core.auth.models import utcnow
from campaignkit.core.db import Model
from campaignkit.core.session import db_session

NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


class Flag(Model):
    """One feature flag and who it is on for."""

    __tablename__ = "ck_flags"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    percentage: Mapped[int] = mapped_column(Integer, default=0)
    roles: Mapped[str] = mapped_column(Text, default="")  # space-separated
    users: Mapped[str] = mapped_column(Text, default="")  # space-separated emails
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlagError(ValueError):
    """A flag setting that cannot be saved, with a message for the person."""


def bucket(name: str, user_id: int) -> int:
    """The user's stable place (0-99) in the flag's rollout."""
    digest = hashlib.sha256(f"campaignkit-flag:{name}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def flag_on_for(flag: Flag | None, user: Any) -> bool:
    """True when the flag is on for ``user`` (None or anonymous for nobody signed in)."""
    if flag is None or not flag.enabled:
        return False
    if flag.percentage >= 100:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.email.lower() in flag.users.lower().split():
        return True
    if user.role in flag.roles.split():
        return True
    return bucket(flag.name, user.id) < flag.percentage


def flag_enabled(name: str, user: Any = None) -> bool:
    """True when the flag ``name`` is on for ``user`` (default: whoever is signed in)."""
    who = current_user if user is None else user
    return flag_on_for(db_session().get(Flag, name), who)


def flag_required(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a view with a flag: a 404 for everyone the flag is off for."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``view`` so it answers 404 while the flag is off."""

        @wraps(view)
        def flagged(*args: Any, **kwargs: Any) -> Any:
            """The guarded view."""
            if not flag_enabled(name):
                abort(404)
            return view(*args, **kwargs)

        return flagged

    return decorate


def save_flag(
    session: Session,
    name: str,
    *,
    description: str | None = None,
    enabled: bool | None = None,
    percentage: int | None = None,
    roles: list[str] | None = None,
    users: list[str] | None = None,
) -> Flag:
    """Create or change a flag; raises FlagError for a bad name, percentage or role."""
    from campaignkit.core.auth.roles import ROLES

    name = name.strip().lower()
    if not name or not set(name) <= NAME_CHARS or len(name) > 80:
        raise FlagError("A flag name uses lower-case letters, digits, '-', '_' and '.'.")
    if percentage is not None and not 0 <= percentage <= 100:
        raise FlagError("The percentage must be between 0 and 100.")
    unknown = sorted(set(roles or ()) - set(ROLES))
    if unknown:
        raise FlagError(f"Unknown roles: {', '.join(unknown)} (roles: {', '.join(ROLES)}).")
    flag = session.get(Flag, name, with_for_update=True)
    if flag is None:
        flag = Flag(name=name, description="", enabled=True, percentage=0, roles="", users="")
        session.add(flag)
    if description is not None:
        flag.description = description.strip()
    if enabled is not None:
        flag.enabled = enabled
    if percentage is not None:
        flag.percentage = percentage
    if roles is not None:
        flag.roles = " ".join(sorted(set(roles)))
    if users is not None:
        flag.users = " ".join(sorted({u.strip().lower() for u in users if u.strip()}))
    flag.updated_at = utcnow()
    return flag


def all_flags(session: Session) -> list[Flag]:
    """Every flag, by name."""
    return list(session.scalars(select(Flag).order_by(Flag.name)))
