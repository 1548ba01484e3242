"""Privacy (a contact's export, erasure and purge; a do-not-call survives erasure as a hash only),
the organiser's campaign page with its SVG charts, the logged CSV export, and the schema."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from phonebank_helpers import NOON_LONDON, uk_contacts
from sqlalchemy import select

from campaignkit.core.db import Model
from campaignkit.core.privacy.erasure import erase_person
from campaignkit.core.privacy.export import export_person
from campaignkit.core.records import ExportRecord
from campaignkit.plugins.phonebank import personal_data
from campaignkit.plugins.phonebank.calling import Outcome
from campaignkit.plugins.phonebank.models import Call, Contact, DoNotCall, Target
from campaignkit.plugins.phonebank.outcomes import record
from campaignkit.plugins.phonebank.queue import next_call

WITH_EMAIL = (
    "name,phone,postcode,email,note\nAnn Smith,07400 123456,SW1A 1AA,ann@example.org,Likes cats\n"
)


def test_a_contact_is_exported_then_erased_and_their_do_not_call_stays_as_a_hash(
    app,
    make_campaign,
    in_app,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign(WITH_EMAIL)
    lease = in_app(next_call, campaign_id, 1, NOON_LONDON)
    in_app(record, lease.token, 1, Outcome("do_not_call", {}), NOON_LONDON)
    with app.test_request_context():
        _subject, archive = export_person("ann@example.org", None, "test")
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        exported = json.loads(opened.read("phonebank.json"))
    (entry,) = exported["contact_entries"]
    assert entry["phone"] == "+447400123456" and entry["note"] == "Likes cats"
    assert entry["calls"][0]["outcome"] == "do_not_call"

    with app.test_request_context():
        counts = erase_person("ann@example.org", "cli")
    assert counts["phonebank"] == 1
    (contact,) = rows(Contact)
    kept = f"{contact.name} {contact.phone} {contact.email} {contact.note} {contact.phone_hash}"
    assert "ann" not in kept.lower() and "7400" not in kept and "cats" not in kept
    assert [t.state for t in rows(Target)] == ["done"]
    assert len(rows(DoNotCall)) == 1 and len(rows(Call)) == 1  # the hash and the count stay
    # the erased number stays blocked: it is not imported again
    again = make_campaign(WITH_EMAIL)
    assert in_app(next_call, again, 2, NOON_LONDON) is None
    assert len(rows(Contact)) == 1


def test_erasing_a_volunteer_unlinks_their_calls(app, make_campaign, make_user, in_app, rows):  # noqa: ANN001
    user = make_user("caller@example.org", role="volunteer")
    campaign_id = make_campaign(uk_contacts(1))
    lease = in_app(next_call, campaign_id, user.id, NOON_LONDON)
    in_app(record, lease.token, user.id, Outcome("answered", {"0": "Yes"}), NOON_LONDON)
    with app.test_request_context():
        erase_person("caller@example.org", "cli")
    (call,) = rows(Call)
    assert call.volunteer_id is None and call.answers == {"0": "Yes"}


def test_purge_anonymises_old_contacts_only(app, make_campaign, in_app, rows):  # noqa: ANN001
    make_campaign(uk_contacts(1))

    def purge(session, older_than: datetime) -> int:  # noqa: ANN001
        return personal_data.purge(older_than, session)

    assert in_app(purge, datetime.now(UTC) - timedelta(days=1)) == 0
    assert in_app(purge, datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert [c.name for c in rows(Contact)] == ["(erased)"]


def test_the_campaign_page_draws_charts_and_the_export_is_logged(
    app,
    organiser,
    make_campaign,
    in_app,
    volunteer,
    rows,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(2))
    caller = volunteer()
    for answer in ("Yes", "No"):
        lease = in_app(next_call, campaign_id, caller.user.id, NOON_LONDON)
        in_app(record, lease.token, caller.user.id, Outcome("answered", {"0": answer}), NOON_LONDON)
    page = organiser.get(f"/organise/phonebank/campaigns/{campaign_id}").get_data(as_text=True)
    assert page.count('<svg class="phonebank-chart"') == 3
    assert 'aria-label="Answers to &#39;Will you vote?&#39;"' in page
    assert "2 contacts finished, 0 to go; 2 calls made." in page
    assert "vol@example.org</td><td>2</td>" in page
    assert "You have made <strong>2</strong> calls" in caller.get("/phonebank").get_data(
        as_text=True
    )

    export = organiser.get(f"/organise/phonebank/campaigns/{campaign_id}/calls.csv")
    assert export.status_code == 200 and "'+447400100000" in export.get_data(as_text=True)
    with app.extensions["campaignkit"].database.new_session() as session:
        logged = list(session.scalars(select(ExportRecord)))
    assert [(r.what, r.rows) for r in logged] == [("phone bank calls (Get out the vote)", 2)]


def test_the_migration_matches_the_models(app):  # noqa: ANN001
    with app.extensions["campaignkit"].database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    ours = [d for d in differences if "phonebank" in repr(d)]
    assert ours == []
