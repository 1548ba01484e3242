"""Telling people and plugins about changes: the ``campaignkit_event_changed`` hook and mail.

Mail is best effort: a message the server refuses is logged, never turned
into an error for the person who pressed the button.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import url_for
from sqlalchemy import select

from campaignkit.core.auth.models import APPROVED as MEMBER_APPROVED
from campaignkit.core.auth.models import User
from campaignkit.core.auth.roles import auth_state, role_has
from campaignkit.core.changes import changed
from campaignkit.core.events.directions import mail_summary
from campaignkit.core.events.models import Event, EventHost, Rsvp
from campaignkit.core.mail import MailError, send_mail
from campaignkit.core.registry import call_each
from campaignkit.core.session import db_session
from campaignkit.core.state import current_manager

log = logging.getLogger(__name__)
#: The changes ``campaignkit_event_changed`` is called with.
CHANGES = ("created", "approved", "rejected", "updated", "cancelled", "rsvp")


def event_changed(event: Event, change: str, rsvp: Rsvp | None = None) -> None:
    """Bump the ``events`` version, then call every plugin's ``campaignkit_event_changed``.

    Every change but an RSVP also bumps ``event_search`` (what searches read).
    A plugin that raises is logged. Called once the change is committed.
    """
    searched = () if change == "rsvp" else ("event_search",)  # an RSVP changes nothing searched
    changed("events", *searched)
    manager = current_manager()
    call_each(manager, "campaignkit_event_changed", event=event, change=change, rsvp=rsvp)


def mail_quietly(addresses: Iterable[str], subject: str, body: str) -> int:
    """Send one message to each address; returns how many were handed over."""
    sent = 0
    for address in sorted(set(addresses)):
        try:
            send_mail(address, subject, body)
            sent += 1
        except MailError as exc:
            log.warning("events mail not sent: %s", exc)
    return sent


def event_link(event: Event) -> str:
    """The event page's full address."""
    return url_for("events.detail", event_id=event.id, _external=True)


def host_addresses(event: Event) -> list[str]:
    """Email addresses of the event's hosts."""
    query = select(User.email).join(EventHost, EventHost.user_id == User.id)
    return list(db_session().scalars(query.where(EventHost.event_id == event.id)))


def moderator_addresses() -> list[str]:
    """Email addresses of active, approved members who may moderate events."""
    permissions = auth_state().permissions
    users = db_session().scalars(
        select(User).where(User.disabled_at.is_(None), User.approval == MEMBER_APPROVED)
    )
    return [u.email for u in users if role_has(permissions, u.role, "events.moderate")]


def tell_hosts_and_moderators(event: Event, what: str) -> None:
    """Mail the hosts and the moderators that an event was submitted, approved or rejected."""
    subject = f"Event {what}: {event.title}"
    body = f"The event '{event.title}' was {what}.\n\n{event_link(event)}\n"
    mail_quietly([*host_addresses(event), *moderator_addresses()], subject, body)


def tell_attendees(event: Event, addresses: Iterable[str], subject: str, body: str) -> int:
    """Mail the people who said they would come; returns how many were sent.

    Every mail carries the event's date, time with its time zone, place and map link.
    """
    text = f"{body}\n\n{mail_summary(event)}\n\n{event_link(event)}\n"
    return mail_quietly(addresses, f"{subject}: {event.title}", text)
