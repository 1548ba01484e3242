"""Importing events from a spreadsheet (CSV), for groups moving their events into campaignkit.

The header (the order does not matter; extra columns are refused)::

    type,title,description,date,start,end,end_date,timezone,venue,address,postcode,
    capacity,chat_url,accessibility,members_only,host_email,lat,lon,seat_code,seat_name

Required: type, title, date (YYYY-MM-DD), start and end (HH:MM), postcode, and
a venue or an address (as on the host's form: a postcode alone does not say
where to meet).
When ``lat`` and ``lon`` are given the postcode is not geocoded. Every row is
checked first; if any fails, the problems are reported with their line
numbers and nothing is saved. Otherwise all rows are saved in one
transaction, approved, with ``host_email`` (an existing account) as host.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select

from campaignkit.core.auth.models import User, utcnow
from campaignkit.core.events.models import APPROVED, Event, EventHost
from campaignkit.core.events.notify import event_changed
from campaignkit.core.events.validation import EventInvalid, clean_event
from campaignkit.core.session import db_session, write_session

COLUMNS = (
    *("type", "title", "description", "date", "start", "end", "end_date", "timezone", "venue"),
    *("address", "postcode", "capacity", "chat_url", "accessibility", "members_only"),
    *("host_email", "lat", "lon", "seat_code", "seat_name"),
)
REQUIRED = ("type", "title", "date", "start", "end", "postcode")
PAST_PROBLEM = "This event has already started (past events are imported only with --allow-past)."


@dataclass
class ImportReport:
    """What an import did: rows read, events saved, and problems by line number."""

    rows: int = 0
    saved: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _position(row: dict[str, str]) -> dict[str, Any] | None:
    if not (row.get("lat") or row.get("lon")):
        return None
    lat, lon = float(row["lat"]), float(row["lon"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("lat/lon out of range")
    return {
        "lat": lat,
        "lon": lon,
        "seat_code": row.get("seat_code") or None,
        "seat_name": row.get("seat_name") or None,
    }


def check_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    types: dict[str, str],
    tick: Callable[[], None] = lambda: None,
    *,
    allow_past: bool = False,
) -> tuple[list[tuple[dict[str, Any], int | None]], ImportReport]:
    """Validate every row; returns (values, host id) pairs and a report of the problems.

    An event that has already started is a problem unless ``allow_past``
    (moving an archive of old events in).
    """
    report, good = ImportReport(), []
    now = utcnow()
    hosts = {}
    for line, row in rows:
        report.rows += 1
        tick()
        if "_problem" in row:
            report.problems.append((line, row["_problem"]))
            continue
        try:
            position = _position(row)
            values = clean_event(row, types, locate=position is None, require_place=True)
            if position is not None:
                values.update(position)
            if not allow_past and values["starts_at"] < now:
                raise EventInvalid({"date": PAST_PROBLEM})
            email = (row.get("host_email") or "").strip().lower()
            if email and email not in hosts:
                hosts[email] = db_session().scalar(select(User.id).where(User.email == email))
            if email and hosts[email] is None:
                raise EventInvalid({"host_email": f"No account has the address {email}."})
            good.append((values, hosts.get(email)))
        except EventInvalid as exc:
            report.problems.append((line, "; ".join(exc.problems.values())))
        except ValueError:
            report.problems.append((line, "lat and lon must be numbers in range."))
    return good, report


def read_csv(handle: IO[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; raises ValueError naming a bad or missing column."""
    reader = csv.DictReader(handle)
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        raise ValueError(
            (f"Unknown columns: {', '.join(unknown)}. " if unknown else "")
            + (f"Missing columns: {', '.join(missing)}. " if missing else "")
            + f"The header may use: {','.join(COLUMNS)}"
        )
    rows = []
    for row in reader:
        if None in row:
            rows.append(
                (reader.line_num, {"_problem": "This row has more fields than the header."})
            )
            continue
        rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()}))
    return rows


def save_events(
    good: list[tuple[dict[str, Any], int | None]], tick: Callable[[], None] = lambda: None
) -> list[Event]:
    """Save validated rows in one transaction, approved; tells plugins about each."""
    now = utcnow()
    with write_session() as session:
        events = []
        for values, host_id in good:
            event = Event(**values, status=APPROVED, going=0, created_by=host_id)
            event.created_at = event.updated_at = now
            events.append(event)
        session.add_all(events)
        session.flush()
        session.add_all(
            EventHost(event_id=e.id, user_id=h)
            for e, (_v, h) in zip(events, good, strict=True)
            if h
        )
    for event in events:
        event_changed(event, "created", None)
        tick()
    return events
