"""Core's own personal data: the account, consent records, invitations, tokens, sign-in failures.

These back core's implementations of the personal-data hooks (see
``core_hooks``). Sign-in failures are stored only as hashes of the address,
so they are found and erased by the same hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import ApiToken, Invite, SigninFailure, User
from campaignkit.core.auth.throttle import account_prefix, failure_key
from campaignkit.core.jobs import JobRecord
from campaignkit.core.privacy.consent import ConsentRecord
from campaignkit.core.privacy.models import ExportRecord
from campaignkit.core.privacy.subject import DataSubject

#: What an anonymised consent record keeps instead of the address.
ERASED = "(erased)"


def _fields(row: Any, names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names.split()}


def _mentions(column: Any, email: str) -> Any:
    """A condition: the text column contains the address (any case)."""
    return func.lower(column).contains(email, autoescape=True)


def personal_data(subject: DataSubject, session: Session) -> dict[str, Any]:
    """Everything core stores about the subject."""
    uid = subject.user_id
    user = session.get(User, uid) if uid is not None else None
    consents = session.scalars(
        select(ConsentRecord)
        .where(or_(ConsentRecord.subject_email == subject.email, ConsentRecord.user_id == uid))
        .order_by(ConsentRecord.given_at, ConsentRecord.id)
    )
    data: dict[str, Any] = {
        "account": _fields(
            user,
            "email name role approval joined_via created_at email_verified_at last_signin_at "
            "disabled_at",
        )
        if user is not None
        else None,
        "consents": [
            _fields(c, "purpose wording wording_version source method given_at withdrawn_at")
            for c in consents
        ],
        "recent_failed_signins": session.scalar(
            select(func.count()).where(SigninFailure.key == failure_key("account", subject.email))
        ),
    }
    if uid is not None:
        invites = session.scalars(select(Invite).where(Invite.created_by == uid))
        data["invitations_made"] = [
            _fields(i, "note max_uses uses created_at expires_at revoked_at") for i in invites
        ]
        tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == uid))
        data["api_tokens"] = [
            _fields(t, "name scopes created_at expires_at last_used_at revoked_at") for t in tokens
        ]
        exports = session.scalars(select(ExportRecord).where(ExportRecord.user_id == uid))
        data["exports_made"] = [_fields(e, "what rows at") for e in exports]
    return data


def erase(subject: DataSubject, session: Session) -> int:
    """Erase core's rows about the subject; the account row itself goes last."""
    email, uid = subject.email, subject.user_id
    changed = 0

    def run(statement: Any) -> None:
        nonlocal changed
        changed += session.execute(statement).rowcount or 0

    by_person = ConsentRecord.subject_email == email
    if uid is not None:
        by_person = or_(by_person, ConsentRecord.user_id == uid)
    run(update(ConsentRecord).where(by_person).values(subject_email=ERASED, user_id=None))
    run(delete(SigninFailure).where(SigninFailure.key.startswith(account_prefix(email))))
    # Free text elsewhere may quote the address (an invitation's note, a job's message).
    run(update(Invite).where(_mentions(Invite.note, email)).values(note=ERASED))
    run(update(JobRecord).where(_mentions(JobRecord.message, email)).values(message=ERASED))
    run(update(JobRecord).where(_mentions(JobRecord.title, email)).values(title=ERASED))
    run(update(ExportRecord).where(_mentions(ExportRecord.what, email)).values(what=ERASED))
    if uid is not None:
        run(update(Invite).where(Invite.created_by == uid).values(created_by=None))
        run(update(ExportRecord).where(ExportRecord.user_id == uid).values(user_id=None))
        run(delete(ApiToken).where(ApiToken.user_id == uid))
        run(delete(User).where(User.id == uid))
    return changed


def purge(older_than: datetime, session: Session) -> int:
    """Remove core's personal data older than the cut-off: old failures and dead invitations.

    Accounts that were never confirmed or were rejected, and consent records
    of people without an account, are purged by ``privacy.purge`` itself,
    since those go through every plugin's erasure.
    """
    changed = session.execute(delete(SigninFailure).where(SigninFailure.at < older_than)).rowcount
    dead = or_(Invite.revoked_at < older_than, Invite.expires_at < older_than)
    changed += session.execute(delete(Invite).where(dead)).rowcount
    return changed or 0


def stale_accounts(session: Session, older_than: datetime) -> list[str]:
    """Addresses of accounts never confirmed or rejected, unused since the cut-off."""
    query = select(User.email).where(
        or_(User.email_verified_at.is_(None), User.approval == "rejected"),
        User.created_at < older_than,
        or_(User.last_signin_at.is_(None), User.last_signin_at < older_than),
    )
    return list(session.scalars(query))


def anonymise_consents(session: Session, purpose: str, older_than: datetime) -> int:
    """Anonymise consent records for ``purpose`` of people without an account, given before then."""
    statement = (
        update(ConsentRecord)
        .where(
            ConsentRecord.purpose == purpose,
            ConsentRecord.user_id.is_(None),
            ConsentRecord.subject_email != ERASED,
            ConsentRecord.given_at < older_than,
        )
        .values(subject_email=ERASED)
    )
    return session.execute(statement).rowcount or 0


def consent_purposes(session: Session) -> list[str]:
    """The purposes of consent records that still name someone without an account."""
    query = select(ConsentRecord.purpose).where(
        ConsentRecord.user_id.is_(None), ConsentRecord.subject_email != ERASED
    )
    return sorted(set(session.scalars(query.distinct())))
