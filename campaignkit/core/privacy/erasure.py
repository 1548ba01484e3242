"""Erasure: every enabled plugin anonymises a person in one transaction, and the erasure is logged.

The log keeps a keyed hash of the address, never the address, twice: in
the ``ck_erasures`` table and in ``privacy-erasures.jsonl`` in the instance
folder. Restoring a database backup rolls the table back too; the file is
not in the database, so it still lists every erasure. After a restore,
``replay`` puts missing entries back in the table, finds the people again by
hashing the addresses now in the database (accounts and consent records,
which every form that stores a person writes) and erases them once more.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaignkit.core.auth.models import User
from campaignkit.core.auth.roles import auth_state
from campaignkit.core.db import BUSY_TIMEOUT_MS
from campaignkit.core.mail import remove_from_outbox
from campaignkit.core.privacy.consent import ConsentRecord
from campaignkit.core.privacy.models import ErasureRecord
from campaignkit.core.privacy.subject import DataSubject, subject_for, subject_hash
from campaignkit.core.registry import call_each
from campaignkit.core.session import write_session
from campaignkit.core.state import app_state, current_database, current_instance, current_manager

log = logging.getLogger(__name__)

#: The erasure log's copy outside the database, in the instance folder.
LEDGER_FILE = "privacy-erasures.jsonl"


def erase_in(session: Session, subject: DataSubject) -> dict[str, int]:
    """Run every plugin's erasure (core last) in ``session``; rows changed per plugin."""
    manager = current_manager()
    results = call_each(
        manager,
        "campaignkit_erase_personal_data",
        isolate=False,
        subject=subject,
        session=session,
    )
    return {plugin: int(count) for plugin, count in results}


def erase_person(email: str, requested_by: str, *, record: bool = True) -> dict[str, int]:
    """Erase one person everywhere, atomically, and log it; returns rows changed per plugin.

    ``requested_by`` is "self", "cli", "purge", "replay" or "organiser:<id>".
    Works for someone with no rows at all (the log still records the
    request). With ``record=False`` (a replay) nothing new is logged.
    """
    with write_session() as session:
        subject = subject_for(session, email)
        counts = erase_in(session, subject)
        entry = ErasureRecord(
            subject_hash=subject_hash(subject.email),
            requested_by=requested_by[:60],
            erased_at=datetime.now(UTC),
            counts=json.dumps(counts, sort_keys=True),
        )
        if record:
            session.add(entry)
    if record:
        _append_to_ledger(entry)
    _after_erasure(subject)
    return counts


def ledger_path() -> Path:
    """Where the instance keeps the erasure log's copy outside the database."""
    return Path(current_instance().path) / LEDGER_FILE


def _append_to_ledger(entry: ErasureRecord) -> None:
    line = json.dumps(
        {
            "subject_hash": entry.subject_hash,
            "requested_by": entry.requested_by,
            "erased_at": entry.erased_at.isoformat(),
            "counts": json.loads(entry.counts),
        },
        sort_keys=True,
    )
    descriptor = os.open(ledger_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as ledger:
        ledger.write(line + "\n")
        ledger.flush()
        os.fsync(ledger.fileno())


def read_ledger() -> list[dict]:
    """The entries of the erasure log's file copy (none if there is no file yet)."""
    path = ledger_path()
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _utc(moment: datetime) -> datetime:
    """A time as naive UTC (SQLite hands times back without a zone, PostgreSQL with one)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _restore_log_entries(session: Session) -> set[str]:
    """Put file entries missing from the table back; returns every logged hash."""
    logged = set(session.scalars(select(ErasureRecord.subject_hash).distinct()))
    rows = session.execute(select(ErasureRecord.subject_hash, ErasureRecord.erased_at))
    known = {(subject, _utc(at)) for subject, at in rows}
    for item in read_ledger():
        erased_at = datetime.fromisoformat(item["erased_at"])
        if (item["subject_hash"], _utc(erased_at)) not in known:
            session.add(
                ErasureRecord(
                    subject_hash=item["subject_hash"],
                    requested_by=item["requested_by"],
                    erased_at=erased_at,
                    counts=json.dumps(item["counts"], sort_keys=True),
                )
            )
        logged.add(item["subject_hash"])
    return logged


def _after_erasure(subject: DataSubject) -> None:
    """After the commit: Redis throttle keys, mail left in ``outbox/``, SQLite's write-ahead log."""
    state = app_state()
    remove_from_outbox(state.instance.path, subject.email)
    try:
        auth_state().throttle.forget_account(subject.email)
    except Exception:  # noqa: BLE001 - the rows are erased; a stale counter expires anyway
        log.exception("could not clear the sign-in failures of an erased person")
    if state.database.is_sqlite:
        checkpoint(state.database.engine)


def checkpoint(engine) -> bool:  # noqa: ANN001 - a SQLAlchemy engine
    """Copy SQLite's write-ahead log into the database file and empty it; True when done.

    Until then the log still holds the pages as they were before an
    erasure. Waits at most two seconds for readers; a later checkpoint
    (SQLite runs them automatically) finishes the job if this one cannot.
    """
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=2000")
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
    finally:
        raw.close()
    return busy == 0


def candidate_emails(session: Session) -> Iterable[str]:
    """Every address the database holds in accounts and consent records."""
    users = session.scalars(select(User.email))
    consents = session.scalars(select(ConsentRecord.subject_email).distinct())
    return sorted({*users, *(email for email in consents if "@" in email)})


Progress = Callable[[list[str]], AbstractContextManager[Iterable[str]]]


def replay(progress: Progress = nullcontext) -> list[dict[str, int]]:
    """Erase again everyone in the erasure log who is back in the database (after a restore).

    ``progress(addresses)`` is a context manager giving the addresses to go
    through (``click.progressbar`` fits). Idempotent: a second run finds
    nobody. Returns the rows changed per plugin, one dict per person erased.
    """
    with current_database().write() as session:
        logged = _restore_log_entries(session)
        emails = list(candidate_emails(session)) if logged else []
    erased = []
    with progress(emails) as addresses:
        for email in addresses:
            if subject_hash(email) in logged:
                erased.append(erase_person(email, "replay", record=False))
    return erased
