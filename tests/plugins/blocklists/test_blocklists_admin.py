"""Maintainers' pages: lists, adding, approving, rejecting and removing entries, the audit log."""

from __future__ import annotations

from blocklists_helpers import X_ID, entry_form

from campaignkit.plugins.blocklists.models import AuditEvent, BlockList, Entry


def test_maintainer_creates_a_list_adds_and_removes_an_entry(
    client,
    maintainer,
    csrf_token,
    rows,  # noqa: ANN001
):
    form = {"slug": "trolls", "title": "Known trolls", "purpose": "Abusers.", "rules": "Two "
            "reports.", "csrf_token": csrf_token(client)}  # fmt: skip
    created = client.post("/organise/blocklists", data=form)
    assert created.status_code == 303
    again = client.post("/organise/blocklists", data={**form, "csrf_token": csrf_token(client)})
    assert again.status_code == 400 and "already" in again.get_data(as_text=True)
    (block_list,) = rows(BlockList)
    url = f"/organise/blocklists/{block_list.id}"
    added = client.post(url + "/entries", data={**entry_form(), "csrf_token": csrf_token(client)})
    assert added.status_code == 303
    (entry,) = rows(Entry)
    assert (entry.status, entry.account_id, entry.handle) == ("live", X_ID, "@Troll_1")
    assert entry.added_by == maintainer.id == entry.approved_by
    twice = client.post(url + "/entries", data={**entry_form(), "csrf_token": csrf_token(client)})
    assert twice.status_code == 400 and "already on this list" in twice.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "@Troll_1" in page and 'href="https://example.org/screenshot/1"' in page
    remove = {"action": "remove", "csrf_token": csrf_token(client)}
    assert client.post(f"{url}/entries/{entry.id}", data=remove).status_code == 303
    assert rows(Entry)[0].status == "removed"
    actions = [e.action for e in rows(AuditEvent)]
    assert actions == ["create", "add", "remove"]
    log = client.get(url + "/audit").get_data(as_text=True)
    assert "keeper@example.org" in log and "@Troll_1" in log


BAD_ENTRIES = [
    ("platform", "myspace", "Unknown platform"),
    ("account_id", "12ab", "not an account id"),
    ("evidence", "http://example.org/x", "https://"),
    ("evidence", "javascript:alert(1)", "https://"),
    ("reason", "rude", "Unknown reason"),
    ("handle", "@far_too_long_a_handle", "not a handle"),
]


def test_bad_entries_are_refused_and_change_nothing(
    client,
    maintainer,
    csrf_token,
    add_list,
    rows,  # noqa: ANN001
):
    block_list = add_list()
    for field, value, message in BAD_ENTRIES:
        data = {**entry_form(**{field: value}), "csrf_token": csrf_token(client)}
        refused = client.post(f"/organise/blocklists/{block_list.id}/entries", data=data)
        assert refused.status_code == 400 and message in refused.get_data(as_text=True), value
    assert rows(Entry) == [] and rows(AuditEvent) == []


def test_filters_by_status_and_reason(client, maintainer, csrf_token, add_list):  # noqa: ANN001
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}"
    for account, reason in (("11", "spam"), ("12", "threats")):
        data = {**entry_form(account_id=account, handle="", reason=reason),
                "csrf_token": csrf_token(client)}  # fmt: skip
        assert client.post(url + "/entries", data=data).status_code == 303
    spam = client.get(url + "?reason=spam").get_data(as_text=True)
    assert (
        ">11<" in spam.replace(" <small>", ">").replace("</small>", "<")
        and "12</small>" not in spam
    )
    assert "12</small>" in client.get(url + "?status=live&reason=threats").get_data(as_text=True)
    assert "1 entries" in client.get(url + "?reason=threats").get_data(as_text=True)


def test_the_entries_page_shows_its_bluesky_forms_once_and_a_plain_title(
    client, maintainer, add_list
):  # noqa: ANN001
    block_list = add_list()
    page = client.get(f"/organise/blocklists/{block_list.id}").get_data(as_text=True)
    assert page.count('id="bluesky"') == 1
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.startswith("Known trolls") and "<" not in title


def test_rejecting_a_pending_entry(client, maintainer, csrf_token, add_list, rows):  # noqa: ANN001
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}"
    data = {**entry_form(handle="@waiting", account_id=""), "csrf_token": csrf_token(client)}
    client.post(url + "/entries", data=data)
    (entry,) = rows(Entry)
    assert entry.status == "lookup" and "waiting for handle lookup" in client.get(url).get_data(
        as_text=True
    )
    reject = {"action": "reject", "csrf_token": csrf_token(client)}
    assert client.post(f"{url}/entries/{entry.id}", data=reject).status_code == 303
    assert rows(Entry)[0].status == "removed"
    assert [e.action for e in rows(AuditEvent)] == ["add", "reject"]
    remove = {"action": "remove", "csrf_token": csrf_token(client)}
    again = client.post(f"{url}/entries/{entry.id}", data=remove, follow_redirects=True)
    assert "This entry is removed: it cannot be removed." in again.get_data(as_text=True)
    unknown = {"action": "destroy", "csrf_token": csrf_token(client)}
    odd = client.post(f"{url}/entries/{entry.id}", data=unknown, follow_redirects=True)
    assert "Choose approve, reject or remove." in odd.get_data(as_text=True)
    assert client.post(f"{url}/entries/999", data=remove).status_code == 404
    assert len(rows(AuditEvent)) == 2


def test_non_maintainers_get_403_on_every_organiser_page(
    app,
    client,
    make_user,
    login,
    csrf_token,
    add_list,  # noqa: ANN001
):
    block_list = add_list()
    login(client, make_user("vol@example.org", role="volunteer"))
    base = f"/organise/blocklists/{block_list.id}"
    token = csrf_token(client)
    gets = ["/organise/blocklists", base, base + "/edit", base + "/audit",
            "/organise/blocklists/appeals"]  # fmt: skip
    posts = ["/organise/blocklists", base + "/edit", base + "/entries", base + "/entries/1",
             base + "/import", "/organise/blocklists/appeals/1"]  # fmt: skip
    for path in gets:
        assert client.get(path).status_code == 403, path
    for path in posts:
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    stranger = app.test_client()
    assert stranger.get("/organise/blocklists").status_code in (302, 401)


def test_editing_a_list(app, client, maintainer, csrf_token, add_list, rows):  # noqa: ANN001
    block_list = add_list()
    url = f"/organise/blocklists/{block_list.id}/edit"
    assert "Two reports with evidence." in client.get(url).get_data(as_text=True)
    form = {"title": "Trolls", "purpose": "New purpose.", "rules": "New rules.",
            "private": "yes", "csrf_token": csrf_token(client)}  # fmt: skip
    assert client.post(url, data=form).status_code == 303
    (stored,) = rows(BlockList)
    assert (stored.title, stored.purpose, stored.private, stored.slug) == (
        "Trolls", "New purpose.", True, "trolls",
    )  # fmt: skip
    blank = client.post(url, data={**form, "title": " ", "csrf_token": csrf_token(client)})
    assert blank.status_code == 400 and "title" in blank.get_data(as_text=True)
    assert rows(BlockList)[0].title == "Trolls"
    assert [e.action for e in rows(AuditEvent)] == ["edit"]
    assert client.get("/organise/blocklists/999/edit").status_code == 404
