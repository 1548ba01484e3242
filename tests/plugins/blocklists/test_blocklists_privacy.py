"""Appeals and maintainers' work in exports and erasure; retention purges what is done with."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from blocklists_helpers import entry_form
from sqlalchemy import update

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.blocklists.models import Appeal, AuditEvent, Entry, now

APPEAL = {"platform": "x", "handle": "@troll_1", "message": "Not me.",
          "email": "listed@example.org", "consent": "yes"}  # fmt: skip


def exported(app, email: str, user_id: int | None = None) -> dict:  # noqa: ANN001
    """The plugin's part of a person's export."""
    with app.test_request_context():
        _subject, archive = export_person(email, user_id, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return json.loads(opened.read("blocklists.json"))


def test_export_and_erase_an_appellant_and_a_maintainer(
    app,
    client,
    maintainer,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    client.post(f"/organise/blocklists/{block_list.id}/entries",
                data={**entry_form(), "csrf_token": csrf_token(client)})  # fmt: skip
    listed = app.test_client()
    listed.post("/blocklists/trolls/appeal", data={**APPEAL, "csrf_token": csrf_token(listed)})
    (appeal,) = exported(app, "listed@example.org")["appeals"]
    assert appeal["message"] == "Not me." and appeal["list"] == "trolls"
    (added,) = exported(app, maintainer.email, maintainer.id)["entries_added"]
    assert added["account_id"] == "783214" and added["evidence"].startswith("https://")

    with app.test_request_context():
        counts = erase_person("listed@example.org", "cli")
    assert counts["blocklists"] == 1 and rows(Appeal) == []
    assert all("Not me." not in e.detail for e in rows(AuditEvent))
    with app.test_request_context():
        erase_person(maintainer.email, "cli")
    (entry,) = rows(Entry)
    assert entry.status == "live" and entry.added_by is None and entry.approved_by is None
    assert all(e.actor_id is None for e in rows(AuditEvent))


@pytest.fixture
def blocklists_settings() -> dict:  # noqa: D103 - overrides the conftest fixture
    return {"retention_days": 30}


def test_purge_removes_old_removed_entries_and_decided_appeals(
    app,
    client,
    cli,
    maintainer,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}/entries"
    for account in ("1", "2", "3"):
        client.post(url, data={**entry_form(account_id=account, handle=""),
                               "csrf_token": csrf_token(client)})  # fmt: skip
    first, second, _third = rows(Entry)
    for entry in (first, second):
        client.post(
            f"{url}/{entry.id}", data={"action": "remove", "csrf_token": csrf_token(client)}
        )
    listed = app.test_client()
    listed.post("/blocklists/trolls/appeal",
                data={**APPEAL, "handle": "3", "csrf_token": csrf_token(listed)})  # fmt: skip
    (appeal,) = rows(Appeal)
    client.post(f"/organise/blocklists/appeals/{appeal.id}",
                data={"decision": "uphold", "csrf_token": csrf_token(client)})  # fmt: skip
    old = now() - timedelta(days=40)
    with app.extensions["campaignkit"].database.write() as session:
        session.execute(update(Entry).where(Entry.id == first.id).values(changed_at=old))
        session.execute(update(Appeal).values(decided_at=old))
    done = cli("privacy", "purge")
    assert done.exit_code == 0, done.output
    assert "Purged: 2 rows of blocklists" in done.output
    assert {e.id for e in rows(Entry)} == {second.id, _third.id}
    assert rows(Appeal) == []
    assert not any(e.entry_id == first.id or e.appeal_id for e in rows(AuditEvent))
