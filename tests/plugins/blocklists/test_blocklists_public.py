"""Public pages: purpose, rules and counts; handles hidden on private lists from all but members."""

from __future__ import annotations

from blocklists_helpers import entry_form


def add_entries(client, csrf_token, list_id: int) -> None:  # noqa: ANN001
    """Two live entries (abuse, spam) and one waiting for handle lookup."""
    url = f"/organise/blocklists/{list_id}/entries"
    for form in (entry_form(), entry_form(account_id="99", handle="@spammer", reason="spam"),
                 entry_form(account_id="", handle="@unknown", reason="spam")):  # fmt: skip
        assert client.post(url, data={**form, "csrf_token": csrf_token(client)}).status_code == 303


def test_a_public_list_shows_purpose_rules_counts_handles_and_appeal(
    app,
    client,
    maintainer,
    csrf_token,
    add_list,  # noqa: ANN001
):
    block_list = add_list()
    add_entries(client, csrf_token, block_list.id)
    page = app.test_client().get("/blocklists/trolls").get_data(as_text=True)
    assert "Accounts that abuse our volunteers." in page and "Two reports with evidence." in page
    assert "2 accounts on the list" in page
    assert "Abuse: 1" in page and "Spam: 1" in page and "Threats: 0" in page
    assert "@Troll_1" in page and "@spammer" in page and "@unknown" not in page
    assert 'href="/blocklists/trolls/appeal"' in page and "<script" not in page
    listing = app.test_client().get("/blocklists").get_data(as_text=True)
    assert "Known trolls" in listing and "2 accounts" in listing


def test_a_private_list_shows_handles_to_signed_in_members_only(
    app,
    client,
    maintainer,
    make_user,
    login,
    csrf_token,
    add_list,  # noqa: ANN001
):
    block_list = add_list(private=True)
    add_entries(client, csrf_token, block_list.id)
    stranger = app.test_client().get("/blocklists/trolls").get_data(as_text=True)
    assert "@Troll_1" not in stranger and "signed-in members only" in stranger
    assert "Abuse: 1" in stranger
    member = app.test_client()
    login(member, make_user("member@example.org"))
    assert "@Troll_1" in member.get("/blocklists/trolls").get_data(as_text=True)


def test_unknown_lists_and_bad_pages(app, add_list):  # noqa: ANN001
    add_list()
    client = app.test_client()
    assert client.get("/blocklists/nope").status_code == 404
    assert client.get("/blocklists/nope/appeal").status_code == 404
    assert client.get("/blocklists/trolls?page=abc").status_code == 400
