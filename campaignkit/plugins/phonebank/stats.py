"""Figures for a campaign's organiser page: progress, outcomes and answers by seat, hourly calls."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select

from campaignkit.plugins.phonebank.models import OUTCOME_LABELS, Call, Target
from campaignkit.plugins.phonebank.queue import aware

UNKNOWN_SEAT = "Unknown seat"


def progress(session, campaign_id: int) -> dict[str, int]:  # noqa: ANN001
    """How many targets are open and done, and how many calls were made."""
    states = dict(
        session.execute(
            select(Target.state, func.count())
            .where(Target.campaign_id == campaign_id)
            .group_by(Target.state)
        ).all()
    )
    calls = session.scalar(select(func.count()).where(Call.campaign_id == campaign_id))
    return {"open": states.get("open", 0), "done": states.get("done", 0), "calls": calls or 0}


def outcomes_by_seat(session, campaign_id: int) -> dict[str, Counter]:  # noqa: ANN001
    """{seat name: Counter of outcome labels}, seats with most calls first."""
    rows = session.execute(
        select(Call.seat_name, Call.outcome, func.count())
        .where(Call.campaign_id == campaign_id)
        .group_by(Call.seat_name, Call.outcome)
    )
    seats: dict[str, Counter] = defaultdict(Counter)
    for seat, outcome, count in rows:
        seats[seat or UNKNOWN_SEAT][OUTCOME_LABELS.get(outcome, outcome)] += count
    return dict(sorted(seats.items(), key=lambda item: (-item[1].total(), item[0])))


def answers_by_seat(session, campaign_id: int, questions: list[dict]) -> list[dict]:  # noqa: ANN001
    """Per question: its text, its options, the overall counts and {seat: Counter of answers}."""
    results = [
        {"question": q["question"], "options": q["options"], "total": Counter(), "seats": {}}
        for q in questions
    ]
    query = select(Call.seat_name, Call.answers).where(
        Call.campaign_id == campaign_id, Call.outcome == "answered"
    )
    for seat, answers in session.execute(query):
        for key, answer in (answers or {}).items():
            if key.isdigit() and int(key) < len(results):
                result = results[int(key)]
                result["total"][answer] += 1
                result["seats"].setdefault(seat or UNKNOWN_SEAT, Counter())[answer] += 1
    return results


def calls_per_hour(session, campaign_id: int) -> list[tuple[datetime, int]]:  # noqa: ANN001
    """(hour, calls recorded in it), oldest first."""
    hours: Counter[datetime] = Counter()
    for (moment,) in session.execute(select(Call.made_at).where(Call.campaign_id == campaign_id)):
        hours[aware(moment).replace(minute=0, second=0, microsecond=0)] += 1
    return sorted(hours.items())


def volunteer_counts(session, campaign_id: int) -> list[tuple[int, int]]:  # noqa: ANN001
    """(volunteer's user id, calls they recorded in this campaign), most first."""
    rows = session.execute(
        select(Call.volunteer_id, func.count())
        .where(Call.campaign_id == campaign_id, Call.volunteer_id.is_not(None))
        .group_by(Call.volunteer_id)
        .order_by(func.count().desc(), Call.volunteer_id)
    )
    return [(user_id, count) for user_id, count in rows]
