"""Clean text from forms, query strings and JSON before anything stores it.

Every request the app handles is a ``CleanRequest``: its ``form``, ``args``
(and so ``values``) and ``get_json()`` hold text that has been through
``clean_text`` once, as it was parsed, so every view, core or plugin, sees
the same clean text, and SQLite and PostgreSQL store the same thing (a NUL
byte, for one, is stored by SQLite but refused by PostgreSQL).

Cleaning keeps newlines and tabs (a description may have paragraphs); a
single-line field passes its value through ``one_line`` as well. Lengths are
checked by the form against the column it fills, after cleaning:
``max_length(Model.column)``. Password fields are left exactly as typed:
they are hashed, never stored as text, and changing them would lock out
anyone whose password holds such a character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

#: Line ends of every kind, made a plain newline: CR LF, CR, NEL, line and paragraph separators.
_LINE_ENDS = re.compile("\r\n|[\r\x85\u2028\u2029]")
#: C0 controls but tab and newline, DEL, C1 controls, lone surrogates and the 66 noncharacters.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)


def clean_text(value: str) -> str:
    """Text as it may be stored: line ends made newlines, control characters gone, NFC.

    Removed: NUL and every other C0 control but tab and newline, DEL, the C1
    controls, lone surrogates and Unicode noncharacters. CR LF and lone CRs
    become newlines. The result is in Unicode normal form C, so the same
    words typed two ways are stored one way.
    """
    if value.isascii() and value.isprintable():
        return value
    text = _UNWANTED.sub("", _LINE_ENDS.sub("\n", value))
    return unicodedata.normalize("NFC", text)


def one_line(value: str | None) -> str:
    """A single-line field's text: cleaned, every run of whitespace (tabs, newlines) one space,
    trimmed."""
    return " ".join(clean_text(value or "").split())


def max_length(column: Any) -> int | None:
    """The most characters a string column holds (``max_length(Event.title)``); None if unbounded.

    Forms check what a person typed against this, after cleaning, so a value
    that fits on SQLite (which does not enforce lengths) also fits on PostgreSQL.
    """
    return getattr(getattr(column, "type", None), "length", None)


def clean_value(value: Any) -> Any:
    """``clean_text`` applied to a string, or to every string (keys too) inside lists and dicts."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    return value


def _is_secret(field: str) -> bool:
    return "password" in field


class CleanMultiDict(ImmutableMultiDict):
    """An immutable MultiDict whose text values (not uploaded files) are cleaned on creation."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__(
            [
                (
                    clean_text(key),
                    value if _is_secret(key) or not isinstance(value, str) else clean_text(value),
                )
                for key, value in pairs
            ]
        )


class CleanRequest(Request):
    """The app's request: ``form``, ``args``, ``values`` and ``get_json()`` hold cleaned text."""

    parameter_storage_class = CleanMultiDict

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The request's JSON body (see Flask's ``Request.get_json``) with every string cleaned."""
        return clean_value(super().get_json(force=force, silent=silent, cache=cache))
