"""Strict URL converters, installed on the app before any route, so core's and plugins' alike.

Werkzeug's ``int`` converter matches ``\\d+``, which in Python takes any
Unicode digit, and has no upper bound, so ``/events/2147483648`` reached the
database and overflowed PostgreSQL's integer column (a 500). Its ``string``
and ``path`` converters take NUL and other control characters, which
PostgreSQL refuses in text. Here a path id is ASCII digits from 1 to
2147483647 unless a rule says otherwise (``<int(min=0):n>``), and a path
string has no control characters; anything else matches no route, a 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter

from campaignkit.core.parsing import MAX_ROW_ID

#: Characters no path segment may hold: "/", C0 and C1 controls and DEL.
_NO_CONTROLS = r"[^/\x00-\x1f\x7f-\x9f]"


class RowIdConverter(IntegerConverter):
    """``<int:name>``: ASCII digits only, 1 to 2147483647 by default."""

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def __init__(
        self,
        map: Map,  # noqa: A002 - werkzeug's name
        fixed_digits: int = 0,
        min: int | None = 1,  # noqa: A002
        max: int | None = MAX_ROW_ID,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class PlainStringConverter(UnicodeConverter):
    """``<name>`` and ``<string:name>``: one path segment without control characters."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - werkzeug's name
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", _NO_CONTROLS, 1)


class PlainPathConverter(PathConverter):
    """``<path:name>``: like werkzeug's, without control characters."""

    regex = f"{_NO_CONTROLS}(?:{_NO_CONTROLS}|/)*?"
    part_isolating = False


def install_strict_converters(app: Flask) -> None:
    """Use the strict converters for every route added to ``app`` from now on."""
    app.url_map.converters.update(
        default=PlainStringConverter,
        string=PlainStringConverter,
        path=PlainPathConverter,
        int=RowIdConverter,
    )
