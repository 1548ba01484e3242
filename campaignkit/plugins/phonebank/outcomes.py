"""Recording a call's outcome: once per lease, whatever is posted twice.

Each outcome is stored under the lease's token (unique), so a second post of
the same form finds the call already recorded and changes nothing. After an
outcome the target's lease ends: answered, wrong number, do not call and
moved finish it; no answer brings it back later (up to ``max_attempts``);
call back brings it back at the time the contact chose.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from campaignkit.core import insert_unless_exists, plugin_settings
from campaignkit.plugins.phonebank.calling import Outcome
from campaignkit.plugins.phonebank.models import (
    ANSWERED,
    CALL_BACK,
    DO_NOT_CALL,
    DONE,
    NO_ANSWER,
    Call,
    Contact,
    DoNotCall,
    PhoneCampaign,
    Target,
    Volunteer,
)
from campaignkit.plugins.phonebank.queue import release

RECORDED, ALREADY, NOT_YOURS = "recorded", "already", "not-yours"


def record(session, token: str, user_id: int, outcome: Outcome, now: datetime) -> str:  # noqa: ANN001
    """Store the outcome of the call leased under ``token``; returns RECORDED, ALREADY or NOT_YOURS.

    ``session`` is a write session; NOT_YOURS means the lease ran out and
    another volunteer has the contact now (nothing is stored).
    """
    target = session.scalars(
        select(Target).where(Target.lease_token == token).with_for_update()
    ).first()
    if target is None:
        done = session.scalar(select(Call.id).where(Call.lease_token == token))
        return ALREADY if done is not None else NOT_YOURS
    if target.leased_to != user_id:
        return NOT_YOURS
    contact = session.get(Contact, target.contact_id)
    values = {
        "lease_token": token, "campaign_id": target.campaign_id, "target_id": target.id,
        "volunteer_id": user_id, "outcome": outcome.outcome,
        "answers": outcome.answers if outcome.outcome == ANSWERED else {},
        "seat_name": contact.seat_name, "callback_at": outcome.callback_at, "made_at": now,
    }  # fmt: skip
    if insert_unless_exists(session, Call, values, ["lease_token"]) is None:
        return ALREADY
    target.attempts += 1
    settings = plugin_settings("phonebank")
    if outcome.outcome == NO_ANSWER and target.attempts < settings.max_attempts:
        release(session, target, due_at=now + timedelta(minutes=settings.retry_minutes))
    elif outcome.outcome == CALL_BACK:
        release(session, target, due_at=outcome.callback_at)
    else:
        release(session, target, state=DONE)
    if outcome.outcome == DO_NOT_CALL and contact.phone_hash:
        entry = {"phone_hash": contact.phone_hash, "source": "call", "created_at": now}
        insert_unless_exists(session, DoNotCall, entry, ["phone_hash"])
    volunteer = session.scalars(select(Volunteer).where(Volunteer.user_id == user_id)).first()
    if volunteer is not None:
        volunteer.calls += 1
        if volunteer.target_id == target.id:
            volunteer.target_id = None
    return RECORDED


def campaign_questions(session, campaign_id: int) -> list[dict]:  # noqa: ANN001
    """A campaign's survey questions."""
    campaign = session.get(PhoneCampaign, campaign_id)
    return list(campaign.questions or []) if campaign else []
