"""Shared values and steps of the phone bank tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime

#: A weekday at 12:00 in London (and 07:00 in New York, 04:00 in Los Angeles).
NOON_LONDON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TEL = re.compile(r'href="tel:(\+\d+)"')
OUTCOME_FORM = re.compile(r'action="/phonebank/calls/([0-9a-f]+)"')


def uk_contacts(count: int, postcode: str = "SW1A 1AA") -> str:
    """A CSV of ``count`` UK contacts with distinct valid mobile numbers."""
    lines = ["name,phone,postcode"]
    lines += [f"Person {n},07400 {100000 + n},{postcode}" for n in range(count)]
    return "\n".join(lines) + "\n"
