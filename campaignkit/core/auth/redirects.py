"""Safe ``next`` redirects: only same-site relative paths are followed.

Anything that a browser could read as another site is refused: absolute URLs,
scheme-relative ``//host``, backslashes (browsers treat ``\\`` as ``/``),
control characters and whitespace (browsers drop tabs and newlines, turning
``/\\t/host`` into ``//host``), and the same tricks percent-encoded.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000


def _looks_local(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def _as_browser_reads(path: str) -> str:
    """Drop what browsers drop (control characters, whitespace) and read ``\\`` as ``/``."""
    kept = "".join(char for char in path if ord(char) > 0x20 and ord(char) != 0x7F)
    return kept.replace("\\", "/")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a same-site relative path, else None."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if _as_browser_reads(target) != target or not _looks_local(target):
        return None  # raw control characters, whitespace or backslashes: never needed
    decoded = target
    for _ in range(4):  # also refuse what one or more decodings would reveal
        if not _looks_local(_as_browser_reads(decoded)):
            return None
        once_more = unquote(decoded)
        if once_more == decoded:
            return target
        decoded = once_more
    return None


def next_or(target: str | None, default: str) -> str:
    """The safe ``next`` target, or ``default`` when there is none or it is unsafe."""
    return safe_next(target) or default
