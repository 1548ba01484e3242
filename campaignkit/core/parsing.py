"""Strict parsing of numbers and dates that people type, and time zones applied safely.

Python's ``int()`` takes any Unicode digit ("١٢" is 12), underscores and
surrounding space, and ``str.isdigit()`` is true for "²", which ``int()``
then refuses; ``date.fromisoformat`` takes years from 1 to 9999, whose
neighbours overflow as soon as a day or a time zone is added. So every
number a person gives is ASCII digits in a stated range, and every date is
within ``EARLIEST_DAY`` and ``LATEST_DAY``. ``in_zone`` shows a stored time
in a zone without overflowing at the ends of the calendar.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, request

#: ASCII digits, with a minus sign when the range allows negatives; at most 18 of them.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")
#: A decimal number in ASCII digits: "-0.12", "51.5", "7".
_DECIMAL = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,20})?")
#: The days any date in campaignkit may fall on: events, searches, deadlines.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
#: The largest id of a row (a 32-bit integer column on every database).
MAX_ROW_ID = 2**31 - 1


class ParseError(ValueError):
    """Text that is not the number or date asked for; ``str()`` is a message for the person."""


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse_int(text: object, low: int, high: int, name: str = "the number") -> int:
    """A whole number from ``low`` to ``high`` written in ASCII digits; raises ParseError.

    Space around the number is ignored; anything else that is not ASCII
    digits (Unicode digits, "²", "1_000", "+1", "1e3") is refused.
    """
    cleaned = str(text if text is not None else "").strip()
    if not _WHOLE_NUMBER.fullmatch(cleaned) or not low <= int(cleaned) <= high:
        raise ParseError(_sentence(f"{name} must be a whole number from {low} to {high}."))
    return int(cleaned)


def parse_float(text: object, low: float, high: float, name: str = "the number") -> float:
    """A decimal number from ``low`` to ``high`` ("-0.12", "51.5") in ASCII digits.

    Raises ParseError for anything else: Unicode digits, exponents, "nan", "inf".
    """
    cleaned = str(text if text is not None else "").strip()
    if not _DECIMAL.fullmatch(cleaned) or not low <= float(cleaned) <= high:
        raise ParseError(_sentence(f"{name} must be a number between {low:g} and {high:g}."))
    return float(cleaned)


def parse_day(
    text: object, name: str = "the date", earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY
) -> date:
    """A date written YYYY-MM-DD between ``earliest`` and ``latest``; raises ParseError."""
    cleaned = str(text if text is not None else "").strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cleaned):
            raise ValueError(cleaned)
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise ParseError(f"Give {name} as YYYY-MM-DD.") from None
    if not earliest <= day <= latest:
        raise ParseError(_sentence(f"{name} must be between {earliest} and {latest}."))
    return day


def query_int(name: str, default: int, low: int, high: int) -> int:
    """The request's query argument ``name`` as a whole number from ``low`` to ``high``.

    A missing or empty argument gives ``default``; anything else that is not
    ASCII digits in range ends the request with a 400 saying what to give.
    """
    return _request_int(request.args, name, default, low, high)


def form_int(name: str, default: int, low: int, high: int) -> int:
    """The posted form field ``name`` as a whole number; as ``query_int``, a 400 if bad."""
    return _request_int(request.form, name, default, low, high)


def _request_int(values: Any, name: str, default: int, low: int, high: int) -> int:
    text = values.get(name, "")
    if not text.strip():
        return default
    try:
        return parse_int(text, low, high, f"'{name}'")
    except ParseError as exc:
        abort(400, description=str(exc))


def in_zone(moment: datetime, zone: str) -> datetime:
    """A stored time (naive means UTC) in the named time zone.

    In UTC instead when the zone is unknown or the local time would fall
    outside the years a datetime holds (a time stored before dates were checked).
    """
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (OverflowError, ValueError, ZoneInfoNotFoundError):
        return moment.astimezone(UTC)
