"""Mail a brief's claimants once when its deadline is near (an hourly job).

A brief is marked reminded by a conditional UPDATE before its mail goes out,
so two workers (or a job that runs twice) never mail the same brief twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from huey import Huey, crontab
from sqlalchemy import select, update

from campaignkit.core import (
    MailError,
    Progress,
    campaign_name,
    job,
    load_user,
    public_url_for,
    read_session,
    send_mail,
    write_session,
)
from campaignkit.plugins.videos.models import OPEN, Brief, Claim, Submission, now

log = logging.getLogger(__name__)
#: How long before a deadline the claimants are mailed.
REMIND_BEFORE = timedelta(hours=48)


def _due_briefs(moment: datetime) -> list[int]:
    with read_session() as session:
        return list(
            session.scalars(
                select(Brief.id).where(
                    Brief.status == OPEN,
                    Brief.reminded_at.is_(None),
                    Brief.deadline > moment,
                    Brief.deadline <= moment + REMIND_BEFORE,
                )
            )
        )


def _claim_for(brief_id: int, moment: datetime) -> tuple[str, datetime, list[int]] | None:
    """Mark one brief reminded; returns its title, deadline and claimants still to submit."""
    with write_session() as session:
        marked = session.execute(
            update(Brief)
            .where(Brief.id == brief_id, Brief.reminded_at.is_(None))
            .values(reminded_at=moment)
        ).rowcount
        if not marked:
            return None
        brief = session.get(Brief, brief_id)
        submitted = select(Submission.producer_id).where(
            Submission.brief_id == brief_id, Submission.producer_id.is_not(None)
        )  # NOT IN a list holding NULL would match nobody
        people = session.scalars(
            select(Claim.producer_id).where(
                Claim.brief_id == brief_id, Claim.producer_id.not_in(submitted)
            )
        )
        return brief.title, brief.deadline, list(people)


def remind_claimants(moment: datetime | None = None) -> int:
    """Mail the claimants of every brief whose deadline is within two days; returns mails sent."""
    moment = moment or now()
    sent = 0
    for brief_id in _due_briefs(moment):
        found = _claim_for(brief_id, moment)
        if found is None:
            continue
        title, deadline, people = found
        link = public_url_for("videos.brief", brief_id=brief_id)
        due = deadline.strftime("%-d %B %Y")
        body = (
            f"The brief “{title}” you claimed is due on {due}.\n\n"
            f"Send your video, or let the brief go so someone else can make it:\n{link}\n"
        )
        for user_id in people:
            user = load_user(user_id)
            if user is None:
                continue
            try:
                send_mail(user.email, f"Video brief due soon · {campaign_name()}", body)
                sent += 1
            except MailError as exc:
                log.warning("videos: could not remind %s of brief %s: %s", user_id, brief_id, exc)
    return sent


def register(huey: Huey) -> None:
    """Declare the reminder job and the hourly task that starts it."""

    @job(huey, title="Remind producers of near deadlines")
    def remind_deadlines(progress: Progress) -> str:
        """Mail claimants of briefs due within two days (once per brief)."""
        return f"Sent {remind_claimants()} reminders."

    @huey.periodic_task(crontab(minute="7"), name="campaignkit.plugins.videos.reminders")
    def remind_every_hour() -> None:
        """Every hour: queue the reminder job."""
        remind_deadlines.enqueue()
