"""The directory as CSV in the Bern Kit's layout: url, title, description, image, a flag a category.

A flag column holds ``1``/``0`` (``yes``, ``no``, ``true``, ``false``,
``x`` and empty are read too). Import reads the whole file first and saves
nothing unless every line is good; each bad line is named with its number
and what is wrong. Imported apps are listed at once (organisers vouch for
them); a link already in the directory updates that app.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from campaignkit.core import public_url_for, read_session, write_session
from campaignkit.plugins.apps.entries import EntryError, clean_entry
from campaignkit.plugins.apps.models import APPROVED, CATEGORY_KEYS, App

COLUMNS = ("url", "title", "description", "image", *CATEGORY_KEYS)
YES, NO = {"1", "yes", "true", "x", "y"}, {"0", "no", "false", "n", ""}
MAX_LINES = 5000
#: What a spreadsheet reads as the start of a formula; exported text starting so gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvError(ValueError):
    """A file that cannot be imported; ``problems`` names each bad line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


def _flag(value: str, line: int, column: str) -> bool:
    text = (value or "").strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise EntryError(f"line {line}: {column} must be 1 or 0, not {value!r}")


def read_apps_csv(text: str, insecure_servers: tuple[str, ...] = ()) -> list[dict]:
    """Every line's app columns; raises CsvError naming each bad line (and saves nothing)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CsvError([f"The file has no column {', '.join(missing)} (line 1)."])
    reader.fieldnames = header
    entries, problems, seen = [], [], {}
    for line, row in enumerate(reader, start=2):
        if line > MAX_LINES:
            raise CsvError([f"The file has more than {MAX_LINES} lines."])
        if None in row:
            problems.append(f"line {line}: more values than columns")
            continue
        try:
            flags = [key for key in CATEGORY_KEYS if _flag(row[key], line, key)]
            entry = clean_entry(
                {"title": row["title"], "description": row["description"], "url": row["url"],
                 "image_url": row["image"], "categories": flags},
                insecure_servers,
            )  # fmt: skip
        except EntryError as exc:
            text = str(exc)
            problems.append(text if text.startswith("line ") else f"line {line}: {text}")
            continue
        if entry["url"] in seen:
            problems.append(f"line {line}: the same link as line {seen[entry['url']]}")
            continue
        seen[entry["url"]] = line
        entries.append(entry)
    if problems:
        raise CsvError(problems)
    return entries


def save_imported(entries: list[dict]) -> tuple[int, int]:
    """Add or update the apps in one transaction; returns (added, updated)."""
    added = updated = 0
    with write_session() as session:
        for entry in entries:
            app = session.scalar(select(App).where(App.url == entry["url"]))
            if app is None:
                app = App(created_at=datetime.now(UTC), reject_reason="", link_status="unchecked",
                          link_note="")  # fmt: skip
                session.add(app)
                added += 1
            else:
                updated += 1
            for key, value in entry.items():
                setattr(app, key, value)
            app.status = APPROVED
    return added, updated


def image_address(app: App) -> str:
    """The public address of the app's picture as kept here ("" until there is one)."""
    return public_url_for("apps.image", app_id=app.id) if app.has_upload else ""


def safe_cell(text: str) -> str:
    """``text`` with a leading quote when a spreadsheet would take it for a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def write_apps_csv() -> str:
    """The listed apps as CSV text in the Bern Kit's layout (formulas defused)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    with read_session() as session:
        apps = session.scalars(select(App).where(App.status == APPROVED).order_by(App.id))
        for app in apps:
            keys = set(app.category_keys)
            writer.writerow([app.url, safe_cell(app.title), safe_cell(app.description),
                             app.image_url or image_address(app),
                             *("1" if key in keys else "0" for key in CATEGORY_KEYS)])  # fmt: skip
    return out.getvalue()
