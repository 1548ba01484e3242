"""Reading the organiser's brief form: every field checked, with a message for the first problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from campaignkit.core import ParseError, one_line, parse_day, parse_int
from campaignkit.plugins.videos.models import FORMATS, Brief
from campaignkit.plugins.videos.submissions import is_https_url

#: Asset lines: "label | https://..." or just the address; at most this many.
MAX_ASSETS = 20
TEXT_LIMIT = 5000


class BriefInvalid(ValueError):
    """The form has a problem; the message says which."""


@dataclass
class BriefFields:
    """A checked brief, ready to store."""

    title: str
    message: str
    audience: str
    format: str
    max_seconds: int
    deadline: datetime
    dos: str
    donts: str
    max_claims: int
    assets: list[tuple[str, str]] = field(default_factory=list)


def _assets(text: str) -> list[tuple[str, str]]:
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _, url = line.rpartition("|") if "|" in line else ("", "", line)
        label, url = one_line(label), url.strip()
        if not is_https_url(url) or len(url) > 2000 or len(label) > 200:
            raise BriefInvalid(f"Asset {url[:80]!r} is not an https:// address (one a line).")
        found.append((label, url))
    if len(found) > MAX_ASSETS:
        raise BriefInvalid(f"Give at most {MAX_ASSETS} asset links.")
    return found


def read_brief(form) -> BriefFields:  # noqa: ANN001 - a MultiDict
    """The brief in ``form``; raises ``BriefInvalid`` with the first problem."""
    title = one_line(form.get("title"))
    if not title or len(title) > 200:
        raise BriefInvalid("Give the brief a title of up to 200 characters.")
    if form.get("format") not in FORMATS:
        raise BriefInvalid(f"Choose a format: {', '.join(FORMATS)}.")
    texts = {name: form.get(name, "").strip() for name in ("message", "audience", "dos", "donts")}
    if any(len(value) > TEXT_LIMIT for value in texts.values()):
        raise BriefInvalid(f"Keep each text to {TEXT_LIMIT} characters.")
    if not texts["message"]:
        raise BriefInvalid("Say what message the video should get across.")
    try:
        max_seconds = parse_int(form.get("max_seconds"), 1, 3600, "the length limit in seconds")
        max_claims = parse_int(form.get("max_claims"), 1, 100, "the number of claims")
        day = parse_day(form.get("deadline"), "the deadline")
    except ParseError as exc:
        raise BriefInvalid(str(exc)) from exc
    deadline = datetime.combine(day, time(23, 59, 59), UTC)
    assets = _assets(form.get("assets", ""))
    return BriefFields(title=title, format=form["format"], max_seconds=max_seconds,
                       deadline=deadline, max_claims=max_claims, assets=assets,
                       **texts)  # fmt: skip


def brief_row(fields: BriefFields, created_by: int | None, moment: datetime) -> Brief:
    """A new open brief from checked fields."""
    return Brief(title=fields.title, message=fields.message, audience=fields.audience,
                 format=fields.format, max_seconds=fields.max_seconds, deadline=fields.deadline,
                 dos=fields.dos, donts=fields.donts, max_claims=fields.max_claims,
                 claim_count=0, created_by=created_by, created_at=moment,
                 updated_at=moment)  # fmt: skip
