"""Checking what people type about an account: platform, stable id, handle, reason, evidence.

Each function returns the cleaned value or raises ``EntryError`` with a message
that says what to fix, so the pages, the import and the CLI say the same thing.
"""

from __future__ import annotations

import re

from campaignkit.core import clean_text
from campaignkit.plugins.blocklists.models import PLATFORMS, REASONS

#: The longest evidence note kept.
MAX_EVIDENCE = 2000
#: The longest account id or handle kept (the columns' size).
MAX_ACCOUNT = 300
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
ACCOUNT_IDS = {
    "x": re.compile(r"[1-9][0-9]{0,19}"),
    "mastodon": re.compile(rf"[0-9]{{1,20}}@{_DOMAIN}"),
    "bluesky": re.compile(rf"did:plc:[a-z2-7]{{24}}|did:web:{_DOMAIN}"),
}
HANDLES = {
    "x": re.compile(r"@?[A-Za-z0-9_]{1,15}"),
    "mastodon": re.compile(rf"@?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{{0,28}}[A-Za-z0-9_])?@{_DOMAIN}"),
    "bluesky": re.compile(rf"@?{_DOMAIN}"),
}
ID_HINTS = {
    "x": "an X user id is a number, like 783214",
    "mastodon": "a Mastodon account is its id on its server, like 109384@mastodon.social",
    "bluesky": "a Bluesky account is its DID, like did:plc:ewvi7nxzyoun6zhxrhs64oiz",
}
HANDLE_HINTS = {
    "x": "an X handle is up to 15 letters, digits or _, like @example",
    "mastodon": "a Mastodon handle names its server, like @name@mastodon.social",
    "bluesky": "a Bluesky handle is a domain, like name.bsky.social",
}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]")
#: An https link with a host name (an IP or name, an optional port) and no spaces.
_HTTPS_LINK = re.compile(
    rf"https://(?:{_DOMAIN}|[0-9.]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?(?:[/?#]\S*)?", re.I
)


class EntryError(ValueError):
    """What was typed about an account cannot be stored; the message says why."""


def clean_platform(value: str | None) -> str:
    """``x``, ``mastodon`` or ``bluesky`` (any case)."""
    platform = (value or "").strip().lower()
    if platform not in PLATFORMS:
        raise EntryError(f"Unknown platform {platform!r}: use x, mastodon or bluesky.")
    return platform


def clean_account_id(platform: str, value: str | None) -> str:
    """A platform's stable account id, checked against its shape."""
    account_id = (value or "").strip()
    if platform == "bluesky":
        account_id = account_id.lower()
    if platform == "mastodon":
        account_id = account_id.lstrip("@").lower()
    if len(account_id) > MAX_ACCOUNT or not ACCOUNT_IDS[platform].fullmatch(account_id):
        raise EntryError(f"{account_id[:60]!r} is not an account id: {ID_HINTS[platform]}.")
    return account_id


def clean_handle(platform: str, value: str | None) -> str:
    """A handle as shown: ``@name`` (X), ``@name@server`` (Mastodon), ``name.domain`` (Bluesky)."""
    handle = (value or "").strip()
    if len(handle) > MAX_ACCOUNT or not HANDLES[platform].fullmatch(handle):
        raise EntryError(f"{handle[:60]!r} is not a handle: {HANDLE_HINTS[platform]}.")
    handle = handle.lstrip("@")
    if platform == "bluesky":
        return handle.lower()
    return "@" + (handle.lower() if platform == "mastodon" else handle)


def clean_reason(value: str | None, default: str | None = None) -> str:
    """One of the reason categories (``default`` when none is given)."""
    reason = (value or "").strip().lower() or (default or "")
    if reason not in REASONS:
        raise EntryError(f"Unknown reason {reason!r}: use one of {', '.join(REASONS)}.")
    return reason


def clean_evidence(value: str | None) -> str:
    """An evidence note, or a link: links must be ``https://`` with a host."""
    evidence = clean_text(value or "").strip()
    if len(evidence) > MAX_EVIDENCE:
        raise EntryError(f"The evidence is too long: keep it under {MAX_EVIDENCE} characters.")
    if (_SCHEME.match(evidence) or evidence.startswith("//")) and not _HTTPS_LINK.fullmatch(
        evidence
    ):
        raise EntryError("An evidence link must start with https:// and name a site.")
    return evidence


def is_link(evidence: str) -> bool:
    """Whether stored evidence is a link (it was checked to be https when stored)."""
    return evidence.lower().startswith("https://")
