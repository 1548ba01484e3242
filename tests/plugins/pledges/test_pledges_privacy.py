"""A signer's data is in their personal-data export and goes with an erasure (still counted)."""

from __future__ import annotations

import io
import json
import zipfile

from pledges_helpers import confirm_by_mail, sign_form

from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.plugins.pledges.models import Pledge, Signature


def test_export_then_erase_a_signer(app, client, add_pledge, rows, csrf_token, mailbox):  # noqa: ANN001
    add_pledge()
    data = {**sign_form(phone="07700 900123"), "csrf_token": csrf_token(client)}
    client.post("/pledges/save-the-library/sign", data=data)
    confirm_by_mail(client, mailbox, "ann@example.org", csrf_token)
    with app.test_request_context():
        _subject, archive = export_person("ann@example.org", None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        exported = json.loads(opened.read("pledges.json"))
    (signature,) = exported["signatures"]
    assert signature["phone"] == "07700 900123" and signature["pledge"] == "save-the-library"

    with app.test_request_context():
        counts = erase_person("ann@example.org", "cli")
    assert counts["pledges"] == 1
    (row,) = rows(Signature)
    assert "ann" not in f"{row.email} {row.name} {row.postcode} {row.phone}".lower()
    assert row.confirmed_at is not None and rows(Pledge)[0].signed_count == 1
