"""Who may see a page: ``require_permission``, ``members_only``, ``signin_required``.

Each decorator marks the view it guards with an ``AccessRule`` (read it back
with ``access_rule(view)``), so a test can walk the URL map and prove every
route is either guarded or deliberately public. Refusals fail closed:

- nobody signed in: a redirect to the sign-in page, or 401 JSON under ``/api/``
- signed in without the permission (or not an approved member): 403

Under ``/api/`` a request may instead carry ``Authorization: Bearer <token>``;
then only the token counts (never the session cookie), and it grants a
permission only when the token has that scope and its owner still holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from campaignkit.core.auth.models import ApiToken, User, aware, utcnow
from campaignkit.core.auth.roles import auth_state, is_approved, role_has
from campaignkit.core.auth.tokens import hash_secret
from campaignkit.core.errors import error_response
from campaignkit.core.session import db_session, write_session

ATTRIBUTE = "campaignkit_access"
NO_PERMISSION = "Your role does not allow this. Ask an organiser if you need it."
NOT_APPROVED = "An organiser has not approved your membership yet."


@dataclass(frozen=True)
class AccessRule:
    """How a view is guarded: ``kind`` is "permission", "members" or "signed-in"."""

    kind: str
    permission: str | None = None


def access_rule(view: Callable[..., Any]) -> AccessRule | None:
    """The rule a view was guarded with, or None for a view no decorator guards."""
    return getattr(view, ATTRIBUTE, None)


def is_api_request() -> bool:
    """True for requests under ``/api/``."""
    return request.path.startswith("/api/")


def bearer_token() -> str | None:
    """The Bearer token of an API request, or None when it has none."""
    header = request.headers.get("Authorization", "")
    if not is_api_request() or not header.lower().startswith("bearer "):
        return None
    return header[7:].strip()


def has_permission(user: Any, permission: str) -> bool:
    """True when a signed-in, approved user's role holds the permission."""
    if not getattr(user, "is_authenticated", False):
        return False
    state = auth_state()
    if not is_approved(user, state.settings.require_approval):
        return False
    return role_has(state.permissions, user.role, permission)


def current_member_approved() -> bool:
    """True when someone is signed in and counts as an approved member."""
    return bool(current_user.is_authenticated) and is_approved(
        current_user, auth_state().settings.require_approval
    )


def _refuse_anonymous():  # noqa: ANN202 - a Flask response
    if is_api_request():
        response, _status = error_response(
            401, "Sign in, or send an API token as 'Authorization: Bearer <token>'."
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="campaignkit"'
        return response
    flash("Please sign in to see that page.", "info")
    here = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.signin", next=here if request.method == "GET" else None))


def api_token_user() -> tuple[ApiToken, User] | None:
    """The token and its owner for this request's Bearer token; aborts 401 if it is not valid."""
    secret = bearer_token()
    if secret is None:
        return None
    if "ck_api_token" not in g:
        token = db_session().scalar(
            select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
        )
        now = utcnow()
        owner = db_session().get(User, token.user_id) if token is not None else None
        if (
            token is None
            or owner is None
            or not owner.is_active
            or token.revoked_at is not None
            or (token.expires_at is not None and aware(token.expires_at) <= now)
        ):
            abort(401, description="This API token is not valid, has expired or was revoked.")
        if token.last_used_at is None or aware(token.last_used_at) < now - timedelta(minutes=1):
            with write_session() as session:
                session.get(ApiToken, token.id).last_used_at = now
        g.ck_api_token = (token, owner)
    return g.ck_api_token


def _guard(view: Callable[..., Any], rule: AccessRule, check: Callable[[], Any]):  # noqa: ANN202
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any):  # noqa: ANN202
        refusal = check()
        if refusal is not None:
            return refusal
        return view(*args, **kwargs)

    setattr(guarded, ATTRIBUTE, rule)
    return guarded


def require_permission(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a view: only users (or API tokens) holding ``permission`` get through."""

    def check():  # noqa: ANN202
        via_token = api_token_user()
        if via_token is not None:
            token, owner = via_token
            if permission in token.scope_list and has_permission(owner, permission):
                return None
            abort(403, description="This API token does not have the scope for this.")
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        if not has_permission(current_user, permission):
            abort(403, description=NO_PERMISSION)
        return None

    return lambda view: _guard(view, AccessRule("permission", permission), check)


def _no_tokens() -> None:
    """Refuse an API token where only a session counts (the session must not count either)."""
    if api_token_user() is not None:
        abort(403, description="An API token opens only endpoints that need a permission.")


def members_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Guard a view: only signed-in, approved members get through."""

    def check():  # noqa: ANN202
        _no_tokens()
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        if not current_member_approved():
            abort(403, description=NOT_APPROVED)
        return None

    return _guard(view, AccessRule("members"), check)


def signin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Guard a view: anyone signed in gets through (their own account pages)."""

    def check():  # noqa: ANN202
        _no_tokens()
        return None if current_user.is_authenticated else _refuse_anonymous()

    return _guard(view, AccessRule("signed-in"), check)
