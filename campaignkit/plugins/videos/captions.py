"""WebVTT captions, checked strictly before they are stored.

A small strict reader rather than a library: the checks below are all that is needed,
and each refusal names the line at fault in words. A file is taken when it is UTF-8 text
of at most `MAX_BYTES`, starts with ``WEBVTT``, and every cue has a timing line
``start --> end`` (``mm:ss.ttt`` or ``hh:mm:ss.ttt``) with the end after the start, and at
least one line of text. NOTE, STYLE and REGION blocks are allowed. It must have a cue.
"""

from __future__ import annotations

import re

MAX_BYTES = 512 * 1024
_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t]+.*)?")


class CaptionsInvalid(ValueError):
    """The captions file cannot be used; the message says why and where."""


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def check_webvtt(data: bytes) -> int:
    """The number of cues in `data` when it is valid WebVTT; `CaptionsInvalid` otherwise."""
    if len(data) > MAX_BYTES:
        raise CaptionsInvalid(f"The captions file is larger than {MAX_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptionsInvalid("The captions file is not UTF-8 text.") from None
    if "\0" in text:
        raise CaptionsInvalid("The captions file is not text.")
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip("\n"))
    header = blocks[0].split("\n", 1)[0]
    if not re.fullmatch(r"WEBVTT([ \t].*)?", header):
        raise CaptionsInvalid('A WebVTT captions file starts with the line "WEBVTT".')
    cues = 0
    line_number = blocks[0].count("\n") + 2
    for block in blocks[1:]:
        lines = block.split("\n")
        line_number += 1
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            line_number += len(lines)
            continue
        timing_at = 1 if "-->" not in lines[0] and "-->" in "".join(lines[1:2]) else 0
        match = _TIMING.fullmatch(lines[timing_at].strip())
        if not match:
            raise CaptionsInvalid(
                f"Line {line_number + timing_at}: expected a timing such as "
                f'"00:01.000 --> 00:04.000", found "{lines[timing_at][:60]}".'
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise CaptionsInvalid(f"Line {line_number + timing_at}: the cue ends before it starts.")
        if not any(line.strip() for line in lines[timing_at + 1 :]):
            raise CaptionsInvalid(f"Line {line_number + timing_at}: the cue has no text.")
        cues += 1
        line_number += len(lines)
    if not cues:
        raise CaptionsInvalid("The captions file has no captions in it.")
    return cues
