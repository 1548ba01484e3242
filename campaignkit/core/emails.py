"""Email addresses people type: one check and one stored form for every field.

Every form, command and API field that takes an address passes it through
``clean_email`` before anything is stored or mailed. It accepts exactly one
mailbox (``name@example.org``): no display name (``Eve <eve@example.org>``),
no list (``a@example.org, b@example.org``), no line breaks or other control
characters that could smuggle a header into a mail. The check is
`email-validator <https://pypi.org/project/email-validator/>`_'s syntax check,
without any network look-up. The address comes back trimmed and lower-cased,
the form stored rows and consent records already use, so lookups keep matching
(an internationalised domain comes back in its ASCII ``xn--`` spelling).
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from campaignkit.core.records import normalise_email

#: The longest address mail can carry (RFC 5321's 256-octet path, less its angle brackets).
MAX_EMAIL_LENGTH = 254


class EmailInvalid(ValueError):
    """Not one usable email address; the message says why, for the person who typed it."""


def clean_email(text: str | None) -> str:
    """The address as stored (one mailbox, trimmed, lower-cased); raises EmailInvalid.

    Refuses display names, lists, quoted local parts, IP-address domains,
    addresses that need SMTPUTF8, any control character (CR, LF, NUL...)
    before or after trimming, and anything longer than ``MAX_EMAIL_LENGTH``
    (at once: the syntax check's time grows quickly with the length).
    """
    raw = text or ""
    stripped = raw.strip()
    if len(stripped) > MAX_EMAIL_LENGTH:  # before the parser, whose time grows with length
        raise EmailInvalid(f"An email address is at most {MAX_EMAIL_LENGTH} characters long.")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in raw):
        raise EmailInvalid("An email address cannot contain line breaks or control characters.")
    if not stripped:
        raise EmailInvalid("Please give an email address.")
    try:
        checked = validate_email(
            stripped,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as exc:
        raise EmailInvalid(f"{exc} Please give one address, like name@example.org.") from None
    # The ASCII form: an internationalised domain in its xn-- spelling, which every
    # mail server takes.
    return normalise_email(checked.ascii_email or checked.normalized)


def is_email(text: str | None) -> bool:
    """True when ``clean_email`` would accept ``text``."""
    try:
        clean_email(text)
    except EmailInvalid:
        return False
    return True
