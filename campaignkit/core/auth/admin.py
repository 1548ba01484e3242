"""Organiser pages under ``/organise`` (members, invitations, API tokens) and their JSON API.

The API (blueprint "accounts_api" under ``/api``) takes a session cookie or an
``Authorization: Bearer`` token made on ``/organise/tokens``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from campaignkit.core.auth.access import api_token_user, has_permission, require_permission
from campaignkit.core.auth.accounts import AccountError, load_user, set_role
from campaignkit.core.auth.models import (
    APPROVED,
    PENDING,
    REJECTED,
    ApiToken,
    Invite,
    User,
    utcnow,
)
from campaignkit.core.auth.roles import ROLES, auth_state, permissions_of
from campaignkit.core.auth.tokens import hash_secret, new_secret
from campaignkit.core.parsing import form_int
from campaignkit.core.records import log_export
from campaignkit.core.session import db_session, write_session

bp = Blueprint("organise", __name__, url_prefix="/organise")
api_bp = Blueprint("accounts_api", __name__, url_prefix="/api")

STATUSES = (PENDING, APPROVED, REJECTED)
#: Row ids in URLs: positive and within a 32-bit integer column, else 404.
ROW_ID = "int(min=1, max=2147483647)"
#: Accounts whose approval only someone who may set roles can change.
STAFF_ROLES = ("organiser", "moderator", "producer", "admin")


@bp.get("/members")
@require_permission("members.view")
def members():
    """Everyone with an account, waiting approvals first; filter with ``?status=pending``."""
    status = request.args.get("status")
    query = select(User).order_by(User.approval != PENDING, User.created_at.desc())
    if status in STATUSES:
        query = query.where(User.approval == status)
    return render_template(
        "auth/members.html",
        users=db_session().scalars(query).all(),
        status=status,
        roles=ROLES,
        can_approve=has_permission(current_user, "members.approve"),
        can_set_roles=has_permission(current_user, "members.roles"),
        require_approval=auth_state().settings.require_approval,
    )


@bp.post(f"/members/<{ROW_ID}:user_id>/approval")
@require_permission("members.approve")
def decide(user_id: int):
    """Approve or reject a member (only those who may set roles decide on staff accounts)."""
    decision = request.form.get("decision")
    target = load_user(user_id)
    if decision not in (APPROVED, REJECTED) or target is None:
        abort(400, description="Choose approve or reject for an existing member.")
    if target.role in STAFF_ROLES and not has_permission(current_user, "members.roles"):
        abort(403, description="Only an admin can approve or reject an account with this role.")
    with write_session() as session:
        user = session.get(User, user_id)
        user.approval = decision
        email = user.email
    flash(f"{email} is {decision}.", "success")
    return redirect(url_for("organise.members", status=request.args.get("status")))


@bp.post(f"/members/<{ROW_ID}:user_id>/role")
@require_permission("members.roles")
def change_role(user_id: int):
    """Give a member another role."""
    user = load_user(user_id)
    if user is None:
        abort(404)
    try:
        set_role(user_id, request.form.get("role", ""))
    except AccountError as exc:
        abort(400, description=str(exc))
    flash(f"{user.email} now has the role {request.form['role']}.", "success")
    return redirect(url_for("organise.members"))


@bp.route("/invites", methods=["GET", "POST"])
@require_permission("invites.manage")
def invites():
    """List invitation links and make new ones (each link is shown once)."""
    link = None
    if request.method == "POST":
        secret = new_secret("inv")
        with write_session() as session:
            session.add(
                Invite(
                    token_hash=hash_secret(secret),
                    note=request.form.get("note", "")[:200],
                    max_uses=form_int("max_uses", 1, 1, 10_000),
                    uses=0,
                    expires_at=utcnow() + timedelta(days=form_int("days", 7, 1, 365)),
                    created_by=current_user.id,
                    created_at=utcnow(),
                )
            )
        link = url_for("auth.signup", token=secret, _external=True)
    listed = db_session().scalars(select(Invite).order_by(Invite.created_at.desc())).all()
    return render_template("auth/invites.html", invites=listed, link=link, now=utcnow())


@bp.post(f"/invites/<{ROW_ID}:invite_id>/revoke")
@require_permission("invites.manage")
def revoke_invite(invite_id: int):
    """Withdraw an invitation link."""
    return _revoke(Invite, invite_id, "The invitation is withdrawn.", "organise.invites")


@bp.route("/tokens", methods=["GET", "POST"])
@require_permission("tokens.manage")
def tokens():
    """List API tokens and make new ones with chosen scopes (the token is shown once)."""
    allowed = permissions_of(auth_state().permissions, current_user.role)
    secret = None
    if request.method == "POST":
        scopes = request.form.getlist("scopes")
        name = request.form.get("name", "").strip()[:100]
        if not name or not scopes or not set(scopes) <= set(allowed):
            abort(400, description="Give the token a name and scopes your role holds.")
        days = form_int("days", 0, 0, 3650)
        secret = new_secret("ck")
        with write_session() as session:
            session.add(
                ApiToken(
                    name=name,
                    token_hash=hash_secret(secret),
                    scopes=" ".join(sorted(scopes)),
                    user_id=current_user.id,
                    created_at=utcnow(),
                    expires_at=utcnow() + timedelta(days=days) if days else None,
                )
            )
    listed = db_session().scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template(
        "auth/tokens.html", tokens=listed, allowed=allowed, secret=secret, now=utcnow()
    )


@bp.post(f"/tokens/<{ROW_ID}:token_id>/revoke")
@require_permission("tokens.manage")
def revoke_token(token_id: int):
    """Revoke an API token; it stops working at once."""
    return _revoke(ApiToken, token_id, "The token is revoked.", "organise.tokens")


def _revoke(model: type, row_id: int, done: str, back_to: str):  # noqa: ANN202 - a redirect
    """Mark an invitation or token revoked (once; a second revoke keeps the first time)."""
    with write_session() as session:
        row = session.get(model, row_id)
        if row is None:
            abort(404)
        row.revoked_at = row.revoked_at or utcnow()
    flash(done, "success")
    return redirect(url_for(back_to))


@api_bp.get("/members")
@require_permission("members.view")
def api_members():
    """Every account: id, email, role, approval state and whether the address is confirmed."""
    users = db_session().scalars(select(User).order_by(User.id)).all()
    via_token = api_token_user()
    who = via_token[1].id if via_token is not None else current_user.id
    with write_session() as session:
        log_export(session, who, "members list (API: email, role, approval)", len(users))
    return jsonify(
        members=[
            {
                "id": user.id,
                "email": user.email,
                "role": user.role,
                "approval": user.approval,
                "email_verified": user.email_verified,
            }
            for user in users
        ]
    )
