"""Phone numbers: parsing for the kit's country, the do-not-call hash, time zones, calling hours.

Numbers are parsed with ``phonenumbers`` for the kit's ``[election] country``
(GB or US) and stored as E.164. A number on the do-not-call list is kept only
as an HMAC-SHA256 of its E.164 form, keyed with the instance's secret key
(the pepper) and a fixed purpose string (the salt), so it survives erasure
without the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from flask import current_app
from phonenumbers import timezone as number_zones

from campaignkit.core import kit

SALT = b"campaignkit.phonebank.do-not-call.v1:"
#: The regions sharing a kit country's numbering plan (Crown dependencies; US territories).
REGIONS = {"GB": {"GB", "GG", "JE", "IM"}, "US": {"US", "PR", "GU", "VI", "AS", "MP"}}
#: Numbers that can be dialled but not by a volunteer for a survey.
_NOT_PERSONAL = {
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.TOLL_FREE,
}


class NumberError(ValueError):
    """A phone number that cannot be used; the message says why."""


def country() -> str:
    """The kit's country code (``GB`` or ``US``), from its ``[election] country``."""
    return str(kit().election.get("country", "GB")).upper()


def home_zone() -> str:
    """The kit's own time zone, for numbers whose zone cannot be told."""
    return str(kit().election.get("timezone", "Europe/London"))


def normalise(text: str, region: str) -> str:
    """The E.164 form of a number written as people write it in ``region``.

    Raises NumberError for text that is not a valid number, or a number of another country.
    """
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        raise NumberError(f"'{text.strip()}' is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise NumberError(f"'{text.strip()}' is not a valid phone number")
    if phonenumbers.region_code_for_number(number) not in REGIONS.get(region, {region}):
        raise NumberError(f"'{text.strip()}' is not a {region} number")
    if phonenumbers.number_type(number) in _NOT_PERSONAL:
        raise NumberError(f"'{text.strip()}' is a premium, shared-cost or free-phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_number(text: str) -> bool:
    """True when text holds a run of seven or more digits (a number typed in the wrong field)."""
    run = best = 0
    for char in text:
        if char.isdigit():
            run += 1
            best = max(best, run)
        elif char not in " -().":
            run = 0
    return best >= 7


def phone_hash(e164: str) -> str:
    """The keyed hash a do-not-call entry stores for an E.164 number."""
    key = str(current_app.secret_key).encode()
    return hmac.new(key, SALT + e164.encode(), hashlib.sha256).hexdigest()


def zones_for(e164: str) -> str:
    """The IANA zone(s) a number may be in, space-separated (the kit's zone when unknown)."""
    found = number_zones.time_zones_for_number(phonenumbers.parse(e164))
    known = sorted(zone for zone in found if zone != number_zones.UNKNOWN_TIMEZONE)
    return " ".join(known) if known else home_zone()


def parse_clock(text: str) -> time:
    """A time of day written ``HH:MM`` ("24:00" is the last moment of the day)."""
    if text == "24:00":
        return time.max
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


def in_hours(zones: str, now: datetime, start: time, end: time) -> bool:
    """True when ``now`` is within calling hours in every one of the space-separated zones."""
    for name in zones.split():
        try:
            local = now.astimezone(ZoneInfo(name)).time()
        except (ZoneInfoNotFoundError, ValueError):
            return False
        if local < start or (local >= end and end != time.max):
            return False
    return True


def first_name(name: str) -> str:
    """The first word of a name, for the script."""
    return (name.split() or [""])[0]
