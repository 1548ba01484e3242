"""A submitter's art is in their data export; erasure credits it to "a volunteer"."""

from __future__ import annotations

import io
import json
import zipfile

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.emoji.models import Art, Pack


def test_export_then_erase_credits_a_volunteer(backend, app, approved_by_volunteer, rows):  # noqa: ANN001
    with app.test_request_context():
        _subject, archive = export_person("vol@example.org", None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        exported = json.loads(opened.read("emoji.json"))
    assert sorted(a["name"] for a in exported["artwork"]) == ["pending_one", "red_rose"]
    assert exported["artwork"][0]["credit_name"] == "Sam R"
    version = rows(Pack)[0].version

    with app.test_request_context():
        counts = erase_person("vol@example.org", "cli")
    assert counts["emoji"] == 2
    art = rows(Art)
    assert [a.credit_name for a in art] == ["a volunteer", "a volunteer"]
    assert all(a.submitter_id is None and a.submitter_email is None for a in art)
    assert rows(Pack)[0].version == version + 1  # the credits in exports changed
    page = app.test_client().get("/emoji/roses").get_data(as_text=True)
    assert "by a volunteer" in page and "Sam R" not in page
