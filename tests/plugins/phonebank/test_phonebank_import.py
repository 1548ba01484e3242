"""CSV imports through the organiser pages and the command line: problems reported by line,
nothing half-imported, the do-not-call list honoured at import and at hand-out, registry status."""

from __future__ import annotations

import io

from phonebank_helpers import NOON_LONDON, uk_contacts

from campaignkit.plugins.phonebank.calling import Outcome
from campaignkit.plugins.phonebank.models import CallList, Contact, DoNotCall
from campaignkit.plugins.phonebank.outcomes import record
from campaignkit.plugins.phonebank.queue import next_call

BAD = (
    "name,phone,postcode\n"
    "Ann Smith,07400 123456,SW1A 1AA\n"
    "Bob Jones,not a number,SW1A 1AA\n"
    "Cat Brown,+33 1 42 68 53 00,SW1A 1AA\n"
    "Dan Green,07400123456,SW1A 1AA\n"
    "07400 654321,07400 654321,SW1A 1AA\n"
    ",07400 111222,SW1A 1AA\n"
)


def _upload(client, url: str, text: str, csrf: str):  # noqa: ANN001, ANN202
    data = {"csrf_token": csrf, "file": (io.BytesIO(text.encode()), "contacts.csv")}
    return client.post(url, data=data, content_type="multipart/form-data")


def _new_list(organiser, csrf_token) -> str:  # noqa: ANN001
    made = organiser.post("/organise/phonebank", data={
        "csrf_token": csrf_token(organiser), "name": "Members",
        "lawful_basis": "Members who ticked 'call me' on the membership form, 2026"})  # fmt: skip
    assert made.status_code == 303
    return made.location


def test_a_list_needs_its_lawful_basis(organiser, csrf_token, rows):  # noqa: ANN001
    refused = organiser.post("/organise/phonebank", data={
        "csrf_token": csrf_token(organiser), "name": "Members", "lawful_basis": "  "})  # fmt: skip
    assert refused.status_code == 400
    assert "lawful basis" in refused.get_data(as_text=True)
    assert rows(CallList) == []


def test_a_file_with_problems_is_refused_whole_with_each_line_named(
    organiser,
    csrf_token,
    rows,  # noqa: ANN001
):
    url = _new_list(organiser, csrf_token)
    page = _upload(organiser, url, BAD, csrf_token(organiser))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Line 3: &#39;not a number&#39; is not a phone number" in text
    assert "Line 4: &#39;+33 1 42 68 53 00&#39; is not a GB number" in text
    assert "Line 5: +447400123456 is already on line 2" in text
    assert "Line 6: the name &#39;07400 654321&#39; looks like a phone number" in text
    assert "Line 7: the name is empty" in text
    assert "Line 2:" not in text
    assert rows(Contact) == []  # nothing half-imported

    good = _upload(organiser, url, uk_contacts(2), csrf_token(organiser))
    assert good.status_code == 303
    again = _upload(organiser, url, uk_contacts(1), csrf_token(organiser))
    assert "Line 2: +447400100000 is already on this list" in again.get_data(as_text=True)
    contacts = rows(Contact)
    assert [c.phone for c in contacts] == ["+447400100000", "+447400100001"]
    assert {c.seat_name for c in contacts} == {"Cities of London and Westminster"}


def test_the_do_not_call_list_is_honoured_at_import_and_at_hand_out(
    organiser,
    csrf_token,
    rows,
    make_campaign,
    in_app,  # noqa: ANN001
):
    campaign_id = make_campaign(uk_contacts(2))
    # the first contact asks not to be called again during a call
    lease = in_app(next_call, campaign_id, 1, NOON_LONDON)
    in_app(record, lease.token, 1, Outcome("do_not_call", {}), NOON_LONDON)
    # the second is on an organiser's do-not-call file, uploaded while the campaign runs
    dnc = _upload(organiser, "/organise/phonebank/do-not-call", "phone\n07400 100001\n",
                  csrf_token(organiser))  # fmt: skip
    assert dnc.status_code == 303
    assert in_app(next_call, campaign_id, 2, NOON_LONDON) is None
    stored = rows(DoNotCall)
    assert len(stored) == 2 and all("7400" not in entry.phone_hash for entry in stored)
    # neither number is imported onto a new list
    url = _new_list(organiser, csrf_token)
    _upload(organiser, url, uk_contacts(3), csrf_token(organiser))
    list_id = int(url.rsplit("/", 1)[1])
    assert [c.phone for c in rows(Contact, list_id=list_id)] == ["+447400100002"]


def test_a_bad_do_not_call_file_adds_nothing(organiser, csrf_token, rows):  # noqa: ANN001
    page = _upload(organiser, "/organise/phonebank/do-not-call", "phone\n07400 100001\nnope\n",
                   csrf_token(organiser))  # fmt: skip
    assert page.status_code == 400
    assert "Line 3: &#39;nope&#39; is not a phone number" in page.get_data(as_text=True)
    assert rows(DoNotCall) == []


def test_tps_status_stops_calls_to_that_contact(organiser, csrf_token, make_campaign, in_app, rows):  # noqa: ANN001
    campaign_id = make_campaign(uk_contacts(1))
    status = "phone,status\n+447400100000,tps\n"
    page = _upload(organiser, "/organise/phonebank/registry", status, csrf_token(organiser))
    assert page.status_code == 303
    assert [c.registry_status for c in rows(Contact)] == ["tps"]
    assert in_app(next_call, campaign_id, 1, NOON_LONDON) is None


def test_the_import_command_reports_lines_and_imports_nothing_then_everything(cli, tmp_path, rows):  # noqa: ANN001
    made = cli("phonebank", "new-list", "--name", "Members", "--lawful-basis", "Consent, 2026")
    assert made.exit_code == 0, made.output
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(uk_contacts(3), encoding="utf-8")
    refused = cli("phonebank", "import", "--list", "1", str(bad))
    assert refused.exit_code == 1
    assert "Line 3: 'not a number' is not a phone number" in refused.output
    assert "Line 6: the name '07400 654321' looks like a phone number" in refused.output
    done = cli("phonebank", "import", "--list", "1", str(good))
    assert done.exit_code == 0, done.output
    assert "Imported 3 contacts" in done.output
    assert len(rows(Contact)) == 3
