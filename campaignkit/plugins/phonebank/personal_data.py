"""The plugin's part of personal-data export, erasure and purging.

A contact is found by the email address imported with them (when the list
had one); a volunteer by their account. Erasure anonymises a contact: name,
number, email, postcode, tags and note go, and their targets are finished so
they are never handed out again; the seat and call outcomes stay for the
counts. A do-not-call entry is only a keyed hash of the number, so it stays
and still stops the number being imported or called again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from campaignkit.plugins.phonebank.models import (
    DONE,
    Call,
    CallList,
    Contact,
    PhoneCampaign,
    Target,
    Volunteer,
)

ERASED_NAME = "(erased)"


def export(subject, session) -> dict | None:  # noqa: ANN001
    """The subject's entries on call lists (with their calls), and the calls they made."""
    data: dict[str, list] = {}
    if subject.email:
        rows = session.execute(
            select(Contact, CallList.name).join(CallList, CallList.id == Contact.list_id)
            .where(Contact.email == subject.email).order_by(Contact.id)
        ).all()  # fmt: skip
        for contact, list_name in rows:
            calls = session.execute(
                select(Call.outcome, Call.answers, Call.made_at)
                .join(Target, Target.id == Call.target_id)
                .where(Target.contact_id == contact.id).order_by(Call.id)
            ).all()  # fmt: skip
            data.setdefault("contact_entries", []).append({
                "list": list_name, "name": contact.name, "phone": contact.phone,
                "email": contact.email, "postcode": contact.postcode, "seat": contact.seat_name,
                "tags": contact.tags, "note": contact.note, "registry": contact.registry_status,
                "imported_at": contact.created_at,
                "calls": [{"outcome": o, "answers": a, "made_at": m} for o, a, m in calls],
            })  # fmt: skip
    if subject.user_id is not None:
        made = session.execute(
            select(PhoneCampaign.title, Call.outcome, Call.made_at)
            .join(PhoneCampaign, PhoneCampaign.id == Call.campaign_id)
            .where(Call.volunteer_id == subject.user_id).order_by(Call.id)
        ).all()  # fmt: skip
        if made:
            data["calls_made"] = [{"campaign": t, "outcome": o, "made_at": m} for t, o, m in made]
    return data or None


def _anonymise(session, contacts: list[Contact]) -> int:  # noqa: ANN001
    for contact in contacts:
        contact.name, contact.phone, contact.phone_hash = ERASED_NAME, f"erased-{contact.id}", None
        contact.email, contact.postcode, contact.tags, contact.note = None, "", "", ""
    ids = [contact.id for contact in contacts]
    if ids:
        session.execute(
            update(Target).where(Target.contact_id.in_(ids))
            .values(state=DONE, leased_to=None, lease_until=None, lease_token=None)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    return len(contacts)


def erase(subject, session) -> int:  # noqa: ANN001
    """Anonymise the subject's contact entries and take their account off calls; returns rows."""
    changed = 0
    if subject.email:
        query = select(Contact).where(Contact.email == subject.email)
        changed += _anonymise(session, list(session.scalars(query)))
    if subject.user_id is not None:
        user_id = subject.user_id
        changed += session.execute(
            update(Call).where(Call.volunteer_id == user_id).values(volunteer_id=None)
        ).rowcount
        session.execute(
            update(Target).where(Target.leased_to == user_id)
            .values(leased_to=None, lease_until=None, lease_token=None)
        )  # fmt: skip
        changed += session.execute(delete(Volunteer).where(Volunteer.user_id == user_id)).rowcount
    return changed


def purge(older_than: datetime, session) -> int:  # noqa: ANN001
    """Anonymise contacts imported before ``older_than``; returns how many."""
    query = select(Contact).where(Contact.created_at < older_than, Contact.name != ERASED_NAME)
    return _anonymise(session, list(session.scalars(query)))
