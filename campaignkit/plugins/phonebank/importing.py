"""CSV imports: contacts onto a call list, the do-not-call list, and registry (TPS/CTPS/DNC) status.

Every import is all or nothing: each line is checked first and every problem
is reported by its line number; only a file with no problems is written, in
one transaction. Numbers on the do-not-call list are left out of a contact
import (and counted), never stored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from campaignkit.core import GeocodeError, geocode, insert_unless_exists, seat_at
from campaignkit.plugins.phonebank.models import REGISTRIES, CallList, Contact, DoNotCall
from campaignkit.plugins.phonebank.numbers import (
    NumberError,
    country,
    looks_like_number,
    normalise,
    phone_hash,
    zones_for,
)
from campaignkit.plugins.phonebank.queue import fill_targets, forget_zones

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
#: How many line problems a report lists before it stops counting.
MAX_PROBLEMS = 100
LIMITS = {"name": 200, "postcode": 20, "tags": 500, "note": 2000, "email": 320}


class ImportRefused(ValueError):
    """A file that was not imported: ``problems`` lists what to fix, by line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


@dataclass
class ImportReport:
    """What an import did."""

    added: int = 0
    skipped_do_not_call: int = 0
    unplaced: int = 0
    notes: list[str] = field(default_factory=list)


def read_rows(data: bytes, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row with lower-case keys) for each data line; refuses a file it cannot read."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["The file is not UTF-8 text: save it as CSV (UTF-8)."]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if "zip" in headers and "postcode" not in headers:
        headers[headers.index("zip")] = "postcode"
    missing = [name for name in required if name not in headers]
    if missing:
        raise ImportRefused([f"Line 1: the header needs the column(s) {', '.join(missing)}."])
    reader.fieldnames = headers
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportRefused([f"The file has more than {MAX_ROWS} lines: split it."])
            clean = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            if any(clean.values()):
                rows.append((reader.line_num, clean))
    except csv.Error as exc:
        raise ImportRefused([f"Line {reader.line_num}: {exc}"]) from None
    if not rows:
        raise ImportRefused(["The file has no lines after its header."])
    return rows


def _refuse_if(problems: list[str]) -> None:
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise ImportRefused(
            problems[:MAX_PROBLEMS] + ([f"... and {more} more"] if more > 0 else [])
        )


def _place(postcode: str, cache: dict) -> tuple[str | None, str | None]:
    """(seat code, seat name) for a postcode or ZIP, or (None, None) when it cannot be placed."""
    if not postcode:
        return None, None
    if postcode not in cache:
        try:
            place = geocode(postcode)
            seat = place.seat or seat_at(place.lat, place.lon)
        except GeocodeError:
            seat = None
        cache[postcode] = (seat.code, seat.name) if seat else (None, None)
    return cache[postcode]


def check_contacts(session, list_id: int, data: bytes) -> list[dict]:  # noqa: ANN001
    """The contacts a file would add, checked line by line; ImportRefused lists every problem."""
    rows, region = read_rows(data, ("name", "phone")), country()
    problems, seen, contacts = [], {}, []
    existing = set(session.scalars(select(Contact.phone).where(Contact.list_id == list_id)))
    for line, row in rows:
        name = row.get("name", "")
        for column, limit in LIMITS.items():
            if len(row.get(column, "")) > limit:
                problems.append(f"Line {line}: the {column} is longer than {limit} characters.")
        if not name:
            problems.append(f"Line {line}: the name is empty.")
        elif looks_like_number(name):
            problems.append(f"Line {line}: the name '{name}' looks like a phone number.")
        try:
            phone = normalise(row.get("phone", ""), region)
        except NumberError as exc:
            problems.append(f"Line {line}: {exc}.")
            continue
        if phone in seen:
            problems.append(f"Line {line}: {phone} is already on line {seen[phone]}.")
        elif phone in existing:
            problems.append(f"Line {line}: {phone} is already on this list.")
        seen.setdefault(phone, line)
        contacts.append({**row, "phone": phone})
    _refuse_if(problems)
    return contacts


def import_contacts(session, call_list: CallList, data: bytes) -> ImportReport:  # noqa: ANN001
    """Add a file's contacts to a call list in ``session`` (a write session), or refuse it whole."""
    contacts, report, places = check_contacts(session, call_list.id, data), ImportReport(), {}
    blocked = set(session.scalars(select(DoNotCall.phone_hash)))
    now = datetime.now(UTC)
    for row in contacts:
        hashed = phone_hash(row["phone"])
        if hashed in blocked:
            report.skipped_do_not_call += 1
            continue
        seat, seat_name = _place(row.get("postcode", ""), places)
        report.unplaced += seat is None
        session.add(
            Contact(
                list_id=call_list.id,
                name=row["name"],
                phone=row["phone"],
                phone_hash=hashed,
                email=row.get("email") or None,
                postcode=row.get("postcode", "").upper(),
                seat=seat,
                seat_name=seat_name,
                tags=row.get("tags", ""),
                note=row.get("note", ""),
                registry_status=None,
                time_zones=zones_for(row["phone"]),
                created_at=now,
            )  # fmt: skip
        )
        report.added += 1
    session.flush()
    fill_targets(session, list_id=call_list.id)
    forget_zones(session, call_list.id)
    return report


def import_do_not_call(session, data: bytes) -> int:  # noqa: ANN001
    """Add a file's numbers (a ``phone`` column) to the do-not-call list; returns how many new."""
    rows, region, problems, hashes = read_rows(data, ("phone",)), country(), [], []
    for line, row in rows:
        try:
            hashes.append(phone_hash(normalise(row["phone"], region)))
        except NumberError as exc:
            problems.append(f"Line {line}: {exc}.")
    _refuse_if(problems)
    now = datetime.now(UTC)
    added = 0
    for hashed in dict.fromkeys(hashes):
        values = {"phone_hash": hashed, "source": "import", "created_at": now}
        added += insert_unless_exists(session, DoNotCall, values, ["phone_hash"]) is not None
    return added


def import_registry_status(session, data: bytes) -> int:  # noqa: ANN001
    """Record TPS/CTPS/DNC status from a file (``phone`` and ``status`` columns: tps, ctps, dnc or
    none) on every contact with that number; returns how many contacts changed."""
    rows, region, problems, statuses = read_rows(data, ("phone", "status")), country(), [], {}
    for line, row in rows:
        status = row["status"].lower()
        if status not in (*REGISTRIES, "none", ""):
            problems.append(
                f"Line {line}: the status '{row['status']}' is not tps, ctps, dnc or none."
            )
        try:
            statuses[phone_hash(normalise(row["phone"], region))] = status or "none"
        except NumberError as exc:
            problems.append(f"Line {line}: {exc}.")
    _refuse_if(problems)
    changed, hashes = 0, list(statuses)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        for contact in session.scalars(select(Contact).where(Contact.phone_hash.in_(chunk))):
            status = statuses[contact.phone_hash]
            contact.registry_status = None if status == "none" else status
            changed += 1
    return changed
