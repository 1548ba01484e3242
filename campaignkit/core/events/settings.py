"""The group's events settings, kept in the database so organisers can change them on a page."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from campaignkit.core.events.models import EVENT_TYPES, EventSetting
from campaignkit.core.state import current_instance

#: How often one address may post RSVPs and carpool offers (guests could otherwise fill an
#: event with made-up names); generous enough for a room sharing one address.
RSVP_RATE = "60 per minute;600 per hour"

DEFAULTS = {
    "liability_notice": (
        "Carpools are arranged between volunteers. The campaign does not check drivers, "
        "vehicles or insurance and accepts no liability for journeys shared."
    ),
    "banned_words": "",
    "trusted_after": "3",
    "hold_new_hosts": "no",
}


def get_setting(session: Session, key: str) -> str:
    """A setting's value, or its default."""
    row = session.get(EventSetting, key)
    return row.value if row is not None else DEFAULTS[key]


def set_setting(session: Session, key: str, value: str) -> None:
    """Change a setting (inside a write session)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(EventSetting, key, with_for_update=True)
    if row is None:
        session.add(EventSetting(key=key, value=value))
    else:
        row.value = value


def banned_words(session: Session) -> list[str]:
    """The words that send an event to moderation, lower-cased."""
    return [w for w in re.split(r"[,\s]+", get_setting(session, "banned_words").lower()) if w]


def event_types() -> dict[str, str]:
    """Core's event types plus those the kit adds in ``[events] types`` (name = label)."""
    kit = current_instance().kit
    return {**EVENT_TYPES, **kit.events.get("types", {})}


def default_timezone() -> str:
    """The zone a new event's form starts with: the kit's election time zone, else Europe/London.

    Empty when the kit says ``local_timezones = true`` in ``[election]`` (a
    country with several zones): each event then takes its place's zone.
    """
    election = current_instance().kit.election or {}
    if election.get("local_timezones"):
        return ""
    return str(election.get("timezone") or "Europe/London")
