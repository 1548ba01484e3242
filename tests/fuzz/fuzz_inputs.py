"""What the fuzzer sends: hostile values, and Hypothesis strategies built from them.

``CLASSIC`` holds the inputs that broke campaignkit before (unicode digits
that ``str.isdigit`` accepts, NUL, CR/LF, numbers past 32 and 64 bits, far
dates, a postcode padded past its column, a 1 MB field); every field and
query parameter a view reads gets each of them once, then Hypothesis mixes
them with generated text, numbers, dates, repeated fields (arrays), missing
fields and JSON bodies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

MEGABYTE = "x" * 1_000_000
CLASSIC: tuple[str, ...] = (
    "²",
    "٣",
    "Evil\x00",
    "a\r\nBcc: b@example.org",
    str(2**31),
    str(10**20),
    "-1",
    "9999-12-31",
    "0001-01-01",
    "SW1A" + " " * 20 + "1AA",
    MEGABYTE,
)
#: More values worth sending, less often.
HOSTILE: tuple[str, ...] = CLASSIC + (
    "",
    " ",
    "\x00",
    "１２",
    "\x1b[31m\x07\x7f",
    "\u202e\ufeff\u200b",
    "0",
    str(2**31 - 1),
    str(2**63),
    str(-(2**31) - 1),
    "1e308",
    "nan",
    "-inf",
    "1_000",
    "0x10",
    "10000-01-01",
    "2024-02-30",
    "24:00",
    "99:99",
    "Pacific/Kiritimati",
    "Not/A_Zone",
    "SW1A 1AA",
    "ann@example.org",
    "a@b.c, evil@attacker.example",
    "Eve <eve@attacker.example>",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "yes",
    "on",
    "x" * 10_000,
)
#: Path segments beyond a converter's liking: routing should answer 404, never 500.
HOSTILE_PATH: tuple[str, ...] = (
    "0", "-1", str(2**31 - 1), str(2**31), str(2**63), str(10**20), "²", "٣", "1.5",
    "\x00", "a\x00b", "%", " ", "..", "x" * 2000, "é", "\r\n",
)  # fmt: skip

_any_text = st.text(st.characters(codec="utf-8"), max_size=40)
_control_text = st.text(st.characters(max_codepoint=0x9F, codec="utf-8"), max_size=12)
_numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)


def field_value(baseline: str | None = None, big: bool = True) -> st.SearchStrategy[Any]:
    """One field's value: hostile, generated, a number or date, the baseline changed, or a list.

    ``big=False`` leaves out the 1 MB value (for query strings).
    """
    single = st.one_of(
        st.sampled_from(HOSTILE if big else tuple(v for v in HOSTILE if v is not MEGABYTE)),
        _any_text,
        _control_text,
        _numbers,
        _dates,
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        *([st.just(baseline), _any_text.map(lambda tail: f"{baseline}{tail}")] if baseline else []),
    )
    return st.one_of(single, single, single, st.lists(single, min_size=2, max_size=3))


json_values = st.recursive(
    st.none() | st.booleans() | _numbers.map(int) | st.floats() | st.sampled_from(HOSTILE[:12]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_any_text, inner, max_size=3),
    max_leaves=8,
)


def shown(value: Any) -> str:
    """A value as a failure report shows it: short, with long strings summarised."""
    if isinstance(value, str) and len(value) > 80:
        return f"{value[0]!r}*{len(value)}" if len(set(value)) == 1 else repr(value[:60]) + "…"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    return repr(value)
