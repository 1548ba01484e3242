"""After a backup from before an erasure is restored, replaying the erasure log erases again."""

from __future__ import annotations

import shutil

import pytest
from privacy_helpers import sqlite_bytes, store_everywhere, traces
from sqlalchemy import func, select

from campaignkit.core import db_session
from campaignkit.core.db import SQLITE_FILE
from campaignkit.core.privacy.models import ErasureRecord

EMAIL = "katherine@example.org"


def _erasures(app) -> int:  # noqa: ANN001
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(ErasureRecord))


def test_replay_after_restoring_a_backup(app, instance, cli, petition, make_user, backend):  # noqa: ANN001
    if backend != "sqlite":
        pytest.skip("the backup is a copy of the SQLite file")
    user = make_user(EMAIL)
    store_everywhere(app, petition, user.id, EMAIL)
    store_everywhere(app, petition, make_user("stays@example.org").id, "stays@example.org")
    app.extensions["campaignkit"].database.dispose()
    sqlite_bytes(instance)  # checkpoint, so the file alone is a complete backup
    backup = instance.parent / "backup.sqlite3"
    shutil.copy(instance / SQLITE_FILE, backup)

    declined = cli("privacy", "erase", EMAIL, input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert _erasures(app) == 0
    erased = cli("privacy", "erase", EMAIL, "--yes")
    assert erased.exit_code == 0, erased.output
    assert "petition: 2" in erased.output
    assert traces(app, instance, EMAIL) == []

    for suffix in ("-wal", "-shm"):
        (instance / f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, instance / SQLITE_FILE)
    assert traces(app, instance, EMAIL) == ["file"]  # the restore brought the person back
    assert _erasures(app) == 0  # ... and lost the table's log entry

    replayed = cli("privacy", "replay-erasures")
    assert replayed.exit_code == 0, replayed.output
    assert "Erased 1 person again" in replayed.output
    assert traces(app, instance, EMAIL) == []
    assert traces(app, instance, "stays@example.org") == ["file"]
    assert _erasures(app) == 1  # put back from the instance's erasure log file

    again = cli("privacy", "replay-erasures")
    assert "Erased 0 people again" in again.output and _erasures(app) == 1
