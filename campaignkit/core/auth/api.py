"""Core's JSON API for accounts (blueprint "accounts_api" under ``/api``).

Every route here takes a session cookie or an ``Authorization: Bearer``
token made on ``/organise/tokens``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import select

from campaignkit.core.auth.access import require_permission
from campaignkit.core.auth.models import User
from campaignkit.core.session import db_session

bp = Blueprint("accounts_api", __name__, url_prefix="/api")


@bp.get("/members")
@require_permission("members.view")
def members():
    """Every account: id, email, role, approval state and whether the address is confirmed."""
    users = db_session().scalars(select(User).order_by(User.id)).all()
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
