"""The call page's words and form: the script filled in, and the outcome form read and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from campaignkit.plugins.phonebank.models import ANSWERED, CALL_BACK, OUTCOMES
from campaignkit.plugins.phonebank.numbers import first_name

#: How far ahead a callback may be set.
CALLBACK_DAYS = 60


@dataclass(frozen=True)
class Outcome:
    """What a volunteer says came of a call, as ``read_outcome`` checked it."""

    outcome: str
    answers: dict
    callback_at: datetime | None = None


def script_for(campaign, contact) -> str:  # noqa: ANN001
    """The campaign's script with ``{first_name}`` and ``{seat}`` filled in for the contact."""
    seat = contact.seat_name or "your area"
    return campaign.script.replace("{first_name}", first_name(contact.name)).replace("{seat}", seat)


def read_questions(text: str) -> list[dict]:
    """Survey questions from one line each: ``Question? | option | option ...``.

    Raises ValueError naming the line that has no options.
    """
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        question, *options = (part.strip() for part in line.split("|"))
        options = [option for option in options if option]
        if not question or len(options) < 2:
            raise ValueError(f"Question line {number}: write 'Question? | option | option'.")
        if len(question) > 300 or any(len(option) > 100 for option in options):
            raise ValueError(f"Question line {number} is too long.")
        questions.append({"question": question, "options": options})
    if len(questions) > 10:
        raise ValueError("A script may have up to 10 questions.")
    return questions


def read_outcome(form, questions: list[dict], zone: str, now: datetime) -> Outcome:  # noqa: ANN001
    """The outcome posted on the call page; raises ValueError saying what to fix."""
    outcome = form.get("outcome", "")
    if outcome not in OUTCOMES:
        raise ValueError("Choose what happened on the call.")
    answers = {}
    if outcome == ANSWERED:
        for number, question in enumerate(questions):
            answer = form.get(f"q{number}", "")
            if answer and answer not in question["options"]:
                raise ValueError(f"Choose one of the answers to '{question['question']}'.")
            if answer:
                answers[str(number)] = answer
    callback_at = None
    if outcome == CALL_BACK:
        try:
            local = datetime.fromisoformat(form.get("callback_at", ""))
        except ValueError:
            raise ValueError("Give the day and time to call back.") from None
        callback_at = local.replace(tzinfo=ZoneInfo(zone)) if local.tzinfo is None else local
        if not now < callback_at <= now + timedelta(days=CALLBACK_DAYS):
            raise ValueError(f"The call-back time must be within the next {CALLBACK_DAYS} days.")
    return Outcome(outcome, answers, callback_at)
