"""Personal-data exports: a zip of every enabled plugin's data about a person, and the export log.

Every export of personal data is logged (who, what, when, how many rows):
core logs its own, and plugins call ``log_export`` for theirs (a CSV of
pledges, say) in the session that reads the data.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from campaignkit.core.privacy.subject import DataSubject, subject_for, subject_hash
from campaignkit.core.records import log_export
from campaignkit.core.registry import call_each
from campaignkit.core.session import db_session, write_session
from campaignkit.core.state import app_state, current_manager

README = """\
Your personal data from {campaign}
{line}

Made on {when} for {email}.

Each .json file holds what one part of the site ({plugins}) stores about you.
"consents" lists what you agreed to, with the exact words you were shown.

To have this data erased, use "Erase my account" on your account's data page,
or ask the campaign's organisers.
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _count(data: Any) -> int:
    if isinstance(data, dict):
        return sum(_count(value) for value in data.values())
    if isinstance(data, list):
        return len(data)
    return 0 if data in (None, 0, "") else 1


def collect(subject: DataSubject, session: Session) -> dict[str, Any]:
    """Every enabled plugin's data about the subject, by plugin name (core included)."""
    manager = current_manager()
    return dict(
        call_each(
            manager, "campaignkit_personal_data", isolate=False, subject=subject, session=session
        )
    )


def build_zip(subject: DataSubject, data: dict[str, Any]) -> bytes:
    """The export as a zip: ``README.txt`` and one ``<plugin>.json`` per plugin."""
    state = app_state()
    name = state.instance.config.campaign.name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        title = f"Your personal data from {name}"
        archive.writestr(
            "README.txt",
            README.format(
                campaign=name,
                line="=" * len(title),
                when=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
                email=subject.email,
                plugins=", ".join(data) or "none",
            ),
        )
        for plugin, records in data.items():
            text = json.dumps(records, default=_plain, indent=2, ensure_ascii=False)
            archive.writestr(f"{plugin}.json", text + "\n")
    return buffer.getvalue()


def export_person(email: str, who: int | None, via: str) -> tuple[DataSubject, bytes]:
    """Collect, zip and log one person's data; ``via`` says where it was asked for.

    Returns the subject and the zip's bytes. The log names the person only
    by the keyed hash the erasure log uses.
    """
    session = db_session()
    subject = subject_for(session, email)
    data = collect(subject, session)
    archive = build_zip(subject, data)
    with write_session() as writer:
        what = f"personal data export ({via}) of {subject_hash(subject.email)[:16]}"
        log_export(writer, who, what, _count(data))
    return subject, archive
