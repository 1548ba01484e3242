"""Appeals: the public form, the maintainers' queue, decisions in the audit log, the email."""

from __future__ import annotations

from blocklists_helpers import entry_form

from campaignkit.core import public_url
from campaignkit.core.records import ConsentRecord
from campaignkit.plugins.blocklists.models import Appeal, AuditEvent, Entry


def appeal_form(**overrides: str) -> dict[str, str]:
    """A valid appeal."""
    fields = {"platform": "x", "handle": "@troll_1", "message": "That was not me.",
              "email": "listed@example.org", "consent": "yes"}  # fmt: skip
    fields.update(overrides)
    return fields


def test_appeal_decided_removes_the_entry_and_mails_the_outcome(
    app,
    client,
    maintainer,
    csrf_token,
    add_list,
    rows,
    mailbox,  # noqa: ANN001
):
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}/entries"
    client.post(url, data={**entry_form(), "csrf_token": csrf_token(client)})
    listed = app.test_client()
    assert listed.get("/blocklists/trolls/appeal").status_code == 200
    sent = listed.post("/blocklists/trolls/appeal",
                       data={**appeal_form(), "csrf_token": csrf_token(listed)})  # fmt: skip
    assert sent.status_code == 303 and sent.location == "/blocklists/trolls"
    assert "your appeal is with" in listed.get(sent.location).get_data(as_text=True)
    (appeal,) = rows(Appeal)
    (entry,) = rows(Entry)
    assert appeal.entry_id == entry.id and appeal.status == "open"
    assert rows(ConsentRecord)[0].purpose == "blocklists.appeal"

    queue = client.get("/organise/blocklists/appeals").get_data(as_text=True)
    assert "That was not me." in queue and "listed@example.org" in queue
    decide = {"decision": "remove", "note": "Our mistake, sorry.", "csrf_token": csrf_token(client)}
    done = client.post(f"/organise/blocklists/appeals/{appeal.id}", data=decide)
    assert done.status_code == 303
    assert rows(Entry)[0].status == "removed" and rows(Appeal)[0].status == "removed"
    assert rows(Appeal)[0].decided_by == maintainer.id
    (mail,) = mailbox.to("listed@example.org")
    body = mail.get_content()
    assert "taken off the list" in body and "Our mistake, sorry." in body
    with app.app_context():
        assert f"{public_url(app).rstrip('/')}/blocklists/trolls\r\n" in body
    assert [e.action for e in rows(AuditEvent)] == ["add", "appeal", "remove", "appeal_remove"]
    again = client.post(f"/organise/blocklists/appeals/{appeal.id}",
                        data={**decide, "csrf_token": csrf_token(client)})  # fmt: skip
    assert again.status_code == 303 and len(mailbox.to("listed@example.org")) == 1


def test_upholding_keeps_the_entry(app, client, maintainer, csrf_token, add_list, rows, mailbox):  # noqa: ANN001
    block_list = add_list()
    client.post(f"/organise/blocklists/{block_list.id}/entries",
                data={**entry_form(), "csrf_token": csrf_token(client)})  # fmt: skip
    listed = app.test_client()
    listed.post("/blocklists/trolls/appeal", data={**appeal_form(handle="783214"),
                                                   "csrf_token": csrf_token(listed)})  # fmt: skip
    (appeal,) = rows(Appeal)
    assert appeal.entry_id == rows(Entry)[0].id  # matched by id too
    decide = {"decision": "uphold", "csrf_token": csrf_token(client)}
    assert client.post(f"/organise/blocklists/appeals/{appeal.id}", data=decide).status_code == 303
    assert rows(Entry)[0].status == "live" and rows(Appeal)[0].status == "upheld"
    assert "stays on the list" in mailbox.to("listed@example.org")[0].get_content()
    bad = {"decision": "maybe", "csrf_token": csrf_token(client)}
    assert client.post(f"/organise/blocklists/appeals/{appeal.id}", data=bad).status_code == 303
    assert client.post("/organise/blocklists/appeals/999", data=decide).status_code == 404


def test_bad_appeals_are_refused_and_store_nothing(app, add_list, rows, csrf_token):  # noqa: ANN001
    add_list()
    client = app.test_client()
    for number, (bad, message) in enumerate(
        (
            ({"platform": "myspace"}, "Unknown platform"),
            ({"handle": "not a handle!"}, "not an account id"),
            ({"message": ""}, "why the account should come off"),
            ({"email": "nobody"}, "valid email"),
            ({"consent": ""}, "tick the box"),
        )
    ):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"  # below the rate limit
        data = {**appeal_form(**bad), "csrf_token": csrf_token(client)}
        answer = client.post("/blocklists/trolls/appeal", data=data)
        assert answer.status_code == 400 and message in answer.get_data(as_text=True), bad
    assert client.post("/blocklists/trolls/appeal", data=appeal_form()).status_code == 400  # CSRF
    robot = {**appeal_form(), "website": "http://spam.example", "csrf_token": csrf_token(client)}
    assert client.post("/blocklists/trolls/appeal", data=robot).status_code == 303
    assert rows(Appeal) == [] and rows(ConsentRecord) == []


def test_an_appeal_flood_hits_the_rate_limit(app, add_list, rows, csrf_token):  # noqa: ANN001
    add_list()
    client = app.test_client()
    statuses = [
        client.post("/blocklists/trolls/appeal", data={
            **appeal_form(email=f"a{i}@example.org"), "csrf_token": csrf_token(client)
        }).status_code
        for i in range(7)
    ]  # fmt: skip
    assert statuses == [303] * 5 + [429] * 2
    assert len(rows(Appeal)) == 5
