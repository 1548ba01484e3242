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

A view decorated with ``in_memory_uploads(max_bytes)`` gets its uploaded
files as in-memory streams (``io.BytesIO``) instead of Werkzeug's default,
which spools any request over 500 KB to a temporary file, and its own request
size limit (for the whole body and for any one form field) instead of
``[server] max_upload_mb``. The form is parsed before the view runs (the
CSRF check reads it), so the request consults the matched view as it parses.

A view decorated with ``streamed_uploads(open_file, ...)`` gets each uploaded
file written, as it arrives, to a stream its own ``open_file`` opens (a file
in its own store, say), so a large upload is neither held in memory nor
spooled to a temporary file elsewhere; ``before_reading`` may refuse the
request (by its headers: length, who sent it) before any of its body is read.
Its body is read a mebibyte at a time (``STREAMED_READ_BYTES``), not in
Werkzeug's 64 KiB steps, whose per-step work in Python (and the WSGI server's
buffer copies) would cost far more than moving the bytes.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from typing import IO, Any, NamedTuple

from flask import Request, current_app
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser

#: The attribute ``in_memory_uploads`` sets on a view: its request size limit in bytes.
IN_MEMORY_UPLOADS = "campaignkit_in_memory_uploads"
#: The attribute ``streamed_uploads`` sets on a view: its ``StreamedUploads``.
STREAMED_UPLOADS = "campaignkit_streamed_uploads"
#: How much of a ``streamed_uploads`` request's body is read from the server at a time.
STREAMED_READ_BYTES = 1024 * 1024
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


def in_memory_uploads(max_bytes: int) -> Callable[[Callable], Callable]:
    """Keep the decorated view's uploads in memory, never in a temporary file on disk.

    For uploads that must not touch the disk (a supporter's photo): the
    request's files are ``io.BytesIO`` streams, and the request may be up to
    ``max_bytes`` long (replacing ``[server] max_upload_mb`` for this view,
    whether smaller or larger; one text field may be as long too). Bigger
    requests get a 413 before anything is read into memory. Put it under the
    route decorator::

        @bp.post("/frames/<int:frame_id>")
        @in_memory_uploads(20 * 1024 * 1024)
        def make_frame(frame_id): ...
    """

    def decorate(view: Callable) -> Callable:
        setattr(view, IN_MEMORY_UPLOADS, max_bytes)
        return view

    return decorate


class StreamedUploads(NamedTuple):
    """What ``streamed_uploads`` keeps on a view."""

    open_file: Callable[..., IO[bytes]]
    before_reading: Callable[[Request], None] | None
    max_bytes: Callable[[], int] | None


def streamed_uploads(
    open_file: Callable[..., IO[bytes]],
    *,
    before_reading: Callable[[Request], None] | None = None,
    max_bytes: Callable[[], int] | None = None,
) -> Callable[[Callable], Callable]:
    """Write the decorated view's uploaded files straight to streams the view's code opens.

    For uploads too large for memory or a temporary file (a video): when the
    request's form is parsed (by the CSRF check, before the view runs), each
    file's bytes go, as they arrive, to ``open_file(filename=..., content_type=...,
    total_content_length=..., content_length=...)``, a writable stream such as a
    file in the plugin's own store; ``request.files[name].stream`` is that
    stream afterwards. ``before_reading(request)`` runs before any of the body
    is read and may refuse the request with an HTTP error (a length over the
    cap, too little disk space, nobody signed in); ``max_bytes()`` replaces
    ``[server] max_upload_mb`` as the request size limit. A request cut short
    raises before the view runs, so the opener's code must remove what it
    opened unless the view keeps it (a ``teardown_request`` does). Put it
    under the route decorator::

        @bp.post("/upload")
        @streamed_uploads(open_part, before_reading=check_room, max_bytes=upload_cap)
        def upload(): ...
    """

    def decorate(view: Callable) -> Callable:
        setattr(view, STREAMED_UPLOADS, StreamedUploads(open_file, before_reading, max_bytes))
        return view

    return decorate


class StreamedFormDataParser(FormDataParser):
    """Werkzeug's form parser for a ``streamed_uploads`` view: the body is read in large steps.

    Parsing is Werkzeug's own (its limits included); only the reading differs: the
    body is taken from the server ``STREAMED_READ_BYTES`` at a time and handed to
    the multipart decoder in pieces of at most half the form memory limit, since
    the decoder refuses any one piece larger than that limit.
    """

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict
    ) -> tuple[IO[bytes], MultiDict, MultiDict]:
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        limit = self.max_form_memory_size
        piece = STREAMED_READ_BYTES if limit is None else min(STREAMED_READ_BYTES, limit // 2)
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=limit,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=max(piece, 1024),
        )
        reader = io.BufferedReader(stream, buffer_size=STREAMED_READ_BYTES)
        try:
            form, files = parser.parse(reader, boundary, content_length)
        finally:
            reader.detach()  # the request's own stream stays open, as Werkzeug leaves it
        return stream, form, files


class CleanRequest(Request):
    """The app's request: ``form``, ``args``, ``values`` and ``get_json()`` hold cleaned text.

    It honours ``in_memory_uploads`` and ``streamed_uploads`` on the view the
    request was routed to.
    """

    parameter_storage_class = CleanMultiDict

    def _streamed(self) -> StreamedUploads | None:
        """The matched view's ``streamed_uploads``, or None."""
        if self.url_rule is None or not current_app:
            return None
        view = current_app.view_functions.get(self.url_rule.endpoint)
        return getattr(view, STREAMED_UPLOADS, None)

    def _load_form_data(self) -> None:
        """Parse the form, first letting a ``streamed_uploads`` view refuse the request."""
        streamed = self._streamed() if "form" not in self.__dict__ else None
        has_body = self.method in ("POST", "PUT", "PATCH")
        if streamed is not None and streamed.before_reading is not None and has_body:
            try:
                streamed.before_reading(self)
            except Exception:
                # refused: the body is never read, even if an error page asks for the form
                self.__dict__["form"] = self.parameter_storage_class()
                self.__dict__["files"] = self.parameter_storage_class()
                raise
        super()._load_form_data()

    def make_form_data_parser(self) -> FormDataParser:
        """Werkzeug's form parser, reading in large steps for a ``streamed_uploads`` view."""
        parser = super().make_form_data_parser()
        if self._streamed() is None:
            return parser
        return StreamedFormDataParser(
            stream_factory=parser.stream_factory,
            max_form_memory_size=parser.max_form_memory_size,
            max_content_length=parser.max_content_length,
            max_form_parts=parser.max_form_parts,
            cls=parser.cls,
            silent=parser.silent,
        )

    def _in_memory_limit(self) -> int | None:
        """The matched view's ``in_memory_uploads`` limit, or None."""
        if self.url_rule is None or not current_app:
            return None
        view = current_app.view_functions.get(self.url_rule.endpoint)
        return getattr(view, IN_MEMORY_UPLOADS, None)

    @property
    def max_content_length(self) -> int | None:
        """The request size limit: the view's ``in_memory_uploads`` or ``streamed_uploads``
        limit, else Flask's."""
        limit = self._in_memory_limit() if self._max_content_length is None else None
        streamed = self._streamed() if limit is None and self._max_content_length is None else None
        if streamed is not None and streamed.max_bytes is not None:
            limit = streamed.max_bytes()
        return limit if limit is not None else Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The largest text field: the view's ``in_memory_uploads`` limit, else Flask's."""
        limit = self._in_memory_limit() if self._max_form_memory_size is None else None
        return limit if limit is not None else Request.max_form_memory_size.fget(self)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        """Where an uploaded file is parsed to: memory for ``in_memory_uploads`` views, the
        view's own stream for ``streamed_uploads`` views."""
        if self._in_memory_limit() is not None:
            return io.BytesIO()
        streamed = self._streamed()
        if streamed is not None:
            return streamed.open_file(
                total_content_length=total_content_length,
                content_type=content_type,
                filename=filename,
                content_length=content_length,
            )
        return super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The request's JSON body (see Flask's ``Request.get_json``) with every string cleaned."""
        return clean_value(super().get_json(force=force, silent=silent, cache=cache))
