"""Background jobs for events: reminders a day before, sent by a periodic task.

Every 15 minutes the queue checks for approved events starting within
``REMINDER_HOURS`` that have not had their reminder, and mails everyone going.
An event is marked reminded in the same transaction that picks it, so two
workers never remind twice.
"""

from __future__ import annotations

from datetime import timedelta

from huey import Huey, crontab
from sqlalchemy import select

from campaignkit.core.auth.models import utcnow
from campaignkit.core.events.models import APPROVED, GOING, Event
from campaignkit.core.events.notify import tell_attendees
from campaignkit.core.events.rsvp import rsvps_of, withdraw_link
from campaignkit.core.jobs import Progress, job
from campaignkit.core.settings import public_url_context
from campaignkit.core.state import current_database

REMINDER_HOURS = 24
WITHDRAW_WORDS = "Can't come after all? Let the hosts know: "


def due_for_reminder(database, now=None) -> list[tuple[Event, list[str]]]:  # noqa: ANN001
    """Claim the events whose reminders are due and return them with the addresses to tell."""
    now = now or utcnow()
    claimed = []
    with database.write() as session:
        events = session.scalars(
            select(Event)
            .where(
                Event.status == APPROVED,
                Event.reminded_at.is_(None),
                Event.starts_at > now,
                Event.starts_at <= now + timedelta(hours=REMINDER_HOURS),
            )
            .with_for_update(skip_locked=True)
        ).all()
        for event in events:
            event.reminded_at = now
            people = rsvps_of(session, event.id, GOING)
            for person in people:
                person.reminded_at = now
            claimed.append((event, [p.email for p in people]))
    return claimed


def register_event_jobs(huey: Huey) -> None:
    """Declare the reminder job and the periodic task that starts it."""

    @job(huey, title="Send event reminders")
    def send_event_reminders(progress: Progress) -> None:
        """Mail everyone going to an event that starts within a day."""
        app = huey.flask_app
        with public_url_context(app):
            due = due_for_reminder(current_database(app))
            for done, (event, addresses) in enumerate(due, 1):
                for address in addresses:  # each with their own link to take the place back
                    link = withdraw_link(event.id, address)
                    body = f"See you soon at this event.\n\n{WITHDRAW_WORDS}{link}"
                    tell_attendees(event, [address], "Reminder", body)
                progress.update(done, total=len(due), message=event.title)
            progress.update(len(due), total=len(due), message=f"Reminded {len(due)} events")

    @huey.periodic_task(crontab(minute="*/15"), name="campaignkit.core.events.reminders")
    def reminders() -> None:
        """Every quarter hour: queue the reminder job."""
        send_event_reminders.enqueue()
