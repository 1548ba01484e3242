"""Checking an app's fields, from the submission form, the organisers' form or a CSV line.

Links must be https addresses that the outbound guard lets through (no
``javascript:``, ``data:``, user names or private addresses); a picture's
address must be https. Messages say what to fix in words a supporter reads.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from campaignkit.core import OutboundRefused, checked_url, clean_text, max_length, one_line
from campaignkit.plugins.apps.models import CATEGORY_KEYS, App

MAX_DESCRIPTION = 600


class EntryError(ValueError):
    """A field that cannot be saved; the message names it."""


def clean_link(value: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """The app's link once it is a full https address the guard lets through."""
    link = one_line(value)
    parts = urlsplit(link)
    if not link or len(link) > max_length(App.url) or parts.scheme not in ("http", "https"):
        raise EntryError("The link must be a full https:// address.")
    try:
        return checked_url(link, insecure_servers)
    except OutboundRefused as exc:
        raise EntryError(f"The link cannot be used: {exc}") from None


def clean_image_url(value: str, insecure_servers: tuple[str, ...] = ()) -> str:
    """A picture's address: empty, or a full https address (http for a tests-only server)."""
    url = one_line(value)
    if not url:
        return ""
    parts = urlsplit(url)
    scheme_ok = parts.scheme == "https" or (
        parts.scheme == "http" and parts.netloc.lower() in insecure_servers
    )
    if not scheme_ok or not parts.hostname or len(url) > max_length(App.image_url):
        raise EntryError("The picture's address must be a full https:// address.")
    return url


def clean_categories(keys: list[str]) -> str:
    """Known category keys, comma-separated in the directory's order; at least one."""
    unknown = sorted(set(keys) - set(CATEGORY_KEYS))
    if unknown:
        raise EntryError(f"There is no category called {', '.join(unknown)}.")
    chosen = [key for key in CATEGORY_KEYS if key in keys]
    if not chosen:
        raise EntryError("Please choose at least one category.")
    return ",".join(chosen)


def clean_entry(fields: dict, insecure_servers: tuple[str, ...] = ()) -> dict:
    """The app's columns from ``title``, ``description``, ``url``, ``image_url``, ``categories``.

    Raises EntryError naming the first field to fix.
    """
    title = one_line(fields.get("title"))
    limit = max_length(App.title)
    if not title or len(title) > limit:
        raise EntryError(f"Please give the app's name (up to {limit} characters).")
    description = clean_text(fields.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise EntryError(f"The description is too long (up to {MAX_DESCRIPTION} characters).")
    return {
        "title": title,
        "description": description,
        "url": clean_link(fields.get("url") or "", insecure_servers),
        "image_url": clean_image_url(fields.get("image_url") or "", insecure_servers),
        "categories": clean_categories(list(fields.get("categories") or [])),
    }
