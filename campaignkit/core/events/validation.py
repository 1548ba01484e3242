"""Checking what a host typed: dates and time zone, capacity, chat links, postcode.

``clean_event`` turns form fields (strings) into the values an ``Event`` is
saved with, or raises ``EventInvalid`` listing every problem in words for
the host. Nothing is saved until every field is good.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from campaignkit.core.events.models import Event
from campaignkit.core.geo import GeocodeError, geocode, seat_at
from campaignkit.core.inputs import clean_text, max_length, one_line
from campaignkit.core.parsing import ParseError, parse_day, parse_int

#: Invite links of the chat services an event may link to, by service name.
CHAT_SERVICES = {
    "WhatsApp": re.compile(r"^https://chat\.whatsapp\.com/(invite/)?[A-Za-z0-9]{10,40}/?$"),
    "Signal": re.compile(r"^https://signal\.group/#[A-Za-z0-9_\-]{20,200}$"),
    "Telegram": re.compile(r"^https://t\.me/(\+|joinchat/)[A-Za-z0-9_\-]{10,40}/?$"),
    "Slack": re.compile(
        r"^https://join\.slack\.com/t/[a-z0-9\-]{1,80}/shared_invite/[A-Za-z0-9_\-~]{10,200}/?$"
    ),
}
CHAT_LINK_PROBLEM = (
    "The chat link must be a group invite link from WhatsApp (https://chat.whatsapp.com/...), "
    "Signal (https://signal.group/#...), Telegram (https://t.me/+...) or Slack "
    "(https://join.slack.com/t/.../shared_invite/...)."
)
MAX_CAPACITY = 100_000
#: A time of day as a host types it: "9:30" or "09:30".
CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")


class EventInvalid(ValueError):
    """Form input that cannot be saved; ``problems`` maps field names to messages."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class _Checker:
    data: Mapping[str, Any]
    problems: dict[str, str] = field(default_factory=dict)

    def text(
        self, name: str, label: str, limit: int, required: bool = False, multiline: bool = False
    ) -> str:
        """A trimmed text field, noting a problem when it is missing or too long.

        Text is cleaned here too, for callers other than a request (a CSV import);
        a single-line field has its whitespace runs (tabs, newlines) made one space.
        """
        raw = str(self.data.get(name) or "")
        value = clean_text(raw).strip() if multiline else one_line(raw)
        if required and not value:
            self.problems[name] = f"Please give the {label}."
        elif len(value) > limit:
            self.problems[name] = f"The {label} is too long (at most {limit} characters)."
        return value


def chat_service(url: str) -> str | None:
    """The name of the chat service a URL is an invite link of, or None."""
    for service, pattern in CHAT_SERVICES.items():
        if pattern.match(url):
            return service
    return None


def parse_local(day: str, clock: str, zone: ZoneInfo) -> datetime:
    """A date ("2026-12-05") and time ("10:30") in a zone as an aware datetime.

    ASCII digits only; the date is between 2000-01-01 and 2100-12-31, so the
    time converts to UTC and back in any zone. Raises ParseError with a message.
    """
    return datetime.combine(parse_day(day, "the date"), clock_time(clock), tzinfo=zone)


def clock_time(text: str) -> time:
    """A time of day typed as "09:30" (or "9:30"); raises ParseError with a message."""
    found = CLOCK.fullmatch(text.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise ParseError("Give the times as HH:MM.")
    return time(int(found[1]), int(found[2]))


def clean_capacity(raw: Any, taken: int = 0) -> int | None:
    """A capacity from text: None for "no limit"; raises ValueError with a message."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    capacity = parse_int(text, 1, MAX_CAPACITY, "the capacity")
    if capacity < taken:
        raise ValueError(
            f"{taken} people have already said they are coming, so the capacity "
            f"cannot be less than {taken}."
        )
    return capacity


PLACE_PROBLEM = "Give the venue or its address, so people can find the event."


def clean_event(
    data: Mapping[str, Any],
    types: Mapping[str, str],
    *,
    taken: int = 0,
    locate: bool = True,
    require_place: bool = False,
) -> dict[str, Any]:
    """Validated event values from form fields; raises EventInvalid listing each problem.

    Fields: type, title, description, date, start, end (or end_date), timezone,
    venue, address, postcode, capacity, members_only, chat_url, accessibility.
    With ``locate`` the postcode is geocoded and the seat looked up; with
    ``require_place`` a venue or an address must be given (a postcode alone
    does not tell people where to go).
    """
    check = _Checker(data)
    values: dict[str, Any] = {
        "title": check.text("title", "title", max_length(Event.title), required=True),
        "description": check.text("description", "description", 10_000, multiline=True),
        "venue": check.text("venue", "venue", max_length(Event.venue)),
        "address": check.text("address", "address", 1_000, multiline=True),
        "accessibility": check.text("accessibility", "accessibility notes", 2_000, multiline=True),
        "members_only": str(data.get("members_only") or "") in ("1", "on", "true", "yes"),
    }
    if require_place and not (values["venue"] or values["address"]):
        check.problems.setdefault("venue", PLACE_PROBLEM)
    kind = str(data.get("type") or "").strip()
    if kind not in types:  # the label a person reads ("Canvassing") names its type too
        kind = {label.casefold(): key for key, label in types.items()}.get(kind.casefold(), kind)
    if kind not in types:
        check.problems["type"] = f"Choose a type of event: {', '.join(types.values())}."
    values["type"] = kind
    postcode = check.text("postcode", "postcode", max_length(Event.postcode), required=True)
    values["postcode"] = postcode.upper()
    located: dict[str, Any] = {}
    if locate and postcode and "postcode" not in check.problems:
        try:
            located = locate_postcode(postcode)
        except GeocodeError as exc:
            check.problems["postcode"] = exc.message
    # No zone given: the place's own (when the geocoder knows it), else London's.
    place_zone = located.pop("timezone", "")
    zone_name = str(data.get("timezone") or "").strip() or place_zone or "Europe/London"
    try:
        if len(zone_name) > max_length(Event.timezone):
            raise ValueError(zone_name)
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name no file can have
        check.problems["timezone"] = f"'{zone_name[:64]}' is not a time zone we know."
        zone = ZoneInfo("UTC")
    values["timezone"] = zone_name
    day = str(data.get("date") or "")
    try:
        # Kept in UTC: SQLite would otherwise store the local wall time and drop the zone.
        values["starts_at"] = parse_local(day, str(data.get("start") or ""), zone).astimezone(UTC)
        end_day = str(data.get("end_date") or "") or day
        values["ends_at"] = parse_local(end_day, str(data.get("end") or ""), zone).astimezone(UTC)
        if values["ends_at"] <= values["starts_at"]:
            check.problems["end"] = "The event must end after it starts."
    except ParseError as exc:
        check.problems["date"] = str(exc)
    try:
        values["capacity"] = clean_capacity(data.get("capacity"), taken)
    except ValueError as exc:
        check.problems["capacity"] = str(exc)
    chat = str(data.get("chat_url") or "").strip()
    if chat and chat_service(chat) is None:
        check.problems["chat_url"] = CHAT_LINK_PROBLEM
    values["chat_url"] = chat or None
    values.update(located)
    if check.problems:
        raise EventInvalid(check.problems)
    return values


def locate_postcode(postcode: str) -> dict[str, Any]:
    """Position, seat and local time zone ("" if unknown) for a postcode; raises GeocodeError."""
    place = geocode(postcode)
    seat = place.seat or seat_at(place.lat, place.lon)
    return {
        "lat": place.lat,
        "lon": place.lon,
        "seat_code": seat.code if seat else None,
        "seat_name": seat.name if seat else None,
        "timezone": place.timezone,
    }
