"""Importing entries from a file: a CSV of handles or ids, or a Block Together export.

Two kinds of file are read:

- a CSV whose first line names its columns: ``handle`` or ``id`` (or both),
  and optionally ``platform``, ``reason`` and ``evidence``;
- a Block Together export: one numeric X user id per line, no header.

The file is read twice, a row at a time, never whole: first every row is
checked, and a file with any bad row is refused with the line numbers and
nothing is stored; then the rows are stored in batches of ``BATCH`` (each its
own transaction, so progress can be shown between them; a re-run skips what a
stopped run stored). Ids go on the list at once (pending when a second approval
is required); handles wait for the handle lookup job (status ``lookup``), each
with its line in the file (``Entry.import_line``) so a handle that is not found
is reported by line.
Accounts already on the list, or removed from it, are left as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from campaignkit.core import write_session
from campaignkit.plugins.blocklists.accounts import (
    EntryError,
    clean_account_id,
    clean_evidence,
    clean_handle,
    clean_platform,
    clean_reason,
)
from campaignkit.plugins.blocklists.apply_queue import list_changed
from campaignkit.plugins.blocklists.entries import audit, first_status
from campaignkit.plugins.blocklists.models import LIVE, LOOKUP, BlockList, Entry, now

BATCH = 2000
#: How many bad lines a refusal lists (it says how many more there were).
MAX_LISTED_ERRORS = 20
COLUMNS = {"platform", "handle", "id", "reason", "evidence"}
ID_COLUMNS = {"account_id": "id", "user_id": "id", "did": "id"}
DEFAULT_REASON = "other"


class ImportRefused(ValueError):
    """The file cannot be imported; nothing was stored; the message says which lines and why."""


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    added: int = 0
    waiting: int = 0  # stored by handle, waiting for the lookup job
    skipped: int = 0  # already on the list (or removed from it)

    def summary(self) -> str:
        """The report in one sentence."""
        return (f"{self.rows} rows read: {self.added} added, {self.waiting} waiting for handle "
                f"lookup, {self.skipped} already on the list or removed earlier.")  # fmt: skip


def _header(row: list[str]) -> list[str] | None:
    """The column names if ``row`` is a header we understand, else None."""
    names = [ID_COLUMNS.get(c.strip().lower(), c.strip().lower()) for c in row]
    return names if names and set(names) <= COLUMNS and {"handle", "id"} & set(names) else None


def _entry(values: dict[str, str], default_platform: str) -> dict:
    """One row's entry values, checked; raises EntryError."""
    platform = clean_platform(values.get("platform") or default_platform)
    account_id, handle = values.get("id", "").strip(), values.get("handle", "").strip()
    if not account_id and not handle:
        raise EntryError("give a handle or an id")
    return {
        "platform": platform,
        "account_id": clean_account_id(platform, account_id) if account_id else None,
        "handle": clean_handle(platform, handle) if handle else "",
        "reason": clean_reason(values.get("reason"), DEFAULT_REASON),
        "evidence": clean_evidence(values.get("evidence")),
    }


def read_entries(path: Path, default_platform: str) -> Iterator[tuple[int, dict | str]]:
    """(line number, entry values or the error) for each non-empty row, read as it goes."""
    header, block_together = None, False
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if header is None and not block_together:
                    header = _header(row)
                    if header is not None:
                        continue
                    block_together = len(row) == 1 and row[0].strip().isdigit()
                    if not block_together:
                        raise ImportRefused(
                            f"Line {line}: the first line must name the columns (handle or id, "
                            "and optionally platform, reason, evidence), or the file must be a "
                            "Block Together export (one numeric X user id per line)."
                        )
                if block_together:
                    values = {"id": row[0], "platform": "x"} if len(row) == 1 else None
                else:
                    values = (
                        dict(zip(header, row, strict=False)) if len(row) <= len(header) else None
                    )
                if values is None:
                    yield line, "more cells than the file's columns"
                    continue
                try:
                    yield line, _entry(values, default_platform)
                except EntryError as exc:
                    yield line, str(exc)
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text: save it as CSV (UTF-8).") from None
    except csv.Error as exc:
        raise ImportRefused(f"The file is not a readable CSV file: {exc}.") from None
    if header is None and not block_together:
        raise ImportRefused("The file has no rows.")


def check_file(path: Path, default_platform: str, progress: Callable[[int], None]) -> int:
    """Read every row; raises ImportRefused listing the bad lines; else the number of rows."""
    errors, rows = [], 0
    for line, found in read_entries(path, default_platform):
        rows += 1
        if isinstance(found, str):
            errors.append(f"line {line}: {found}")
        if rows % BATCH == 0:
            progress(rows)
    if errors:
        listed = "; ".join(errors[:MAX_LISTED_ERRORS])
        more = len(errors) - MAX_LISTED_ERRORS
        tail = f" (and {more} more bad lines)" if more > 0 else ""
        count = f"{len(errors)} bad line{'s' if len(errors) > 1 else ''}"
        raise ImportRefused(f"Nothing was imported: {count}. {listed}{tail}")
    return rows


def _store_batch(list_id: int, batch: list[dict], status: str, actor_id: int | None) -> None:
    """Store one batch of checked entries, skipping accounts the list already has."""
    stamp = now()
    common = {"list_id": list_id, "added_by": actor_id, "added_at": stamp, "changed_at": stamp}
    with write_session() as session:
        by_id, by_handle = {}, {}  # the first row of each account, with its line
        for e in batch:
            if e["account_id"]:
                by_id.setdefault((e["platform"], e["account_id"]), e)
            else:
                by_handle.setdefault((e["platform"], e["handle"].lower()), e)
        if by_handle:
            lowered = func.lower(Entry.handle)
            known = session.execute(
                select(Entry.platform, lowered).where(
                    Entry.list_id == list_id,
                    Entry.account_id.is_(None),
                    lowered.in_([h for _, h in by_handle]),
                )
            )
            for key in known:
                by_handle.pop(tuple(key), None)
            rows = [{**e, **common, "status": LOOKUP, "approved_by": None}
                    for e in by_handle.values()]  # fmt: skip
            if rows:
                session.execute(Entry.__table__.insert(), rows)
        if by_id:
            approver = actor_id if status != "pending" else None
            rows = [{**e, **common, "status": status, "approved_by": approver}
                    for e in by_id.values()]  # fmt: skip
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(Entry.__table__).on_conflict_do_nothing(
                index_elements=["list_id", "platform", "account_id"]
            )
            session.execute(statement, rows)
            if status == LIVE:
                list_changed(session, list_id)


def _counts(list_id: int) -> tuple[int, int]:
    """(entries with an id, entries waiting for lookup) on the list."""
    with write_session() as session:
        rows = session.execute(
            select(Entry.account_id.is_(None), func.count())
            .where(Entry.list_id == list_id)
            .group_by(Entry.account_id.is_(None))
        ).all()
    counts = {bool(waiting): count for waiting, count in rows}
    return counts.get(False, 0), counts.get(True, 0)


def import_file(
    slug: str,
    path: Path,
    *,
    default_platform: str = "x",
    actor_id: int | None = None,
    require_second_approval: bool = False,
    progress: Callable[[int, int | None, str], None] = lambda *_: None,
    name: str = "",
) -> ImportReport:
    """Check, then store, every row of a file on the list ``slug``; raises ImportRefused."""
    with write_session() as session:
        found = session.scalars(select(BlockList).where(BlockList.slug == slug)).first()
        if found is None:
            raise ImportRefused(f"There is no list called {slug!r}.")
        list_id = found.id
    default_platform = clean_platform(default_platform)
    rows = check_file(path, default_platform, lambda n: progress(0, None, f"Checked {n} rows"))
    before = _counts(list_id)
    status, batch, done = first_status(require_second_approval), [], 0
    for line, entry in read_entries(path, default_platform):
        batch.append({**entry, "import_line": line})  # the lookup names a missing handle by it
        if len(batch) == BATCH:
            _store_batch(list_id, batch, status, actor_id)
            done += len(batch)
            batch = []
            progress(done, rows, f"Stored {done} of {rows} rows")
    if batch:
        _store_batch(list_id, batch, status, actor_id)
    after = _counts(list_id)
    added, waiting = after[0] - before[0], after[1] - before[1]
    report = ImportReport(rows=rows, added=added, waiting=waiting, skipped=rows - added - waiting)
    with write_session() as session:
        what = f"Imported {name or path.name}: {report.summary()}"
        audit(session, list_id, "import", actor_id, what)
    progress(rows, rows, report.summary())
    return report
