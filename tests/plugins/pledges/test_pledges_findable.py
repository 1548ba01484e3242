"""Supporters find pledges: a menu item, a list of the open ones, a card on the home page."""

from __future__ import annotations


def test_open_pledges_reach_the_menu_the_list_and_the_home_page(client, add_pledge):  # noqa: ANN001
    home = client.get("/").get_data(as_text=True)
    assert 'href="/pledges">Pledges</a>' in home and "Sign a pledge" not in home
    assert "no open pledges" in client.get("/pledges").get_data(as_text=True)
    add_pledge("fund-the-bus", title="Fund the bus", signed_count=7)
    add_pledge("old-one", title="An old pledge", status="closed")
    add_pledge("draft-one", title="A draft pledge", status="draft")
    listing = client.get("/pledges").get_data(as_text=True)
    assert 'href="/pledges/fund-the-bus">Fund the bus</a>' in listing and "7 signed" in listing
    assert "An old pledge" not in listing and "A draft pledge" not in listing
    home = client.get("/").get_data(as_text=True)
    assert "Sign a pledge" in home and 'href="/pledges/fund-the-bus">Fund the bus</a>' in home
    assert "A draft pledge" not in home


def test_organisers_manage_pledges_from_the_organise_menu(client, make_user, login):  # noqa: ANN001
    login(client, make_user("organiser@example.org", "organiser"))
    page = client.get("/").get_data(as_text=True)
    menu = page.split("Organise</summary>", 1)[1].split("</details>", 1)[0]
    assert 'href="/organise/pledges">Manage pledges</a>' in menu
