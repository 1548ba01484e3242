"""The main nav: organisers' tools fold into one "Organise" menu; everyone else sees none."""

from __future__ import annotations

import re

from campaignkit.core import NavItem

MENU = re.compile(
    r'<li class="nav-organise"><details><summary>Organise</summary>(.*?)</details>', re.S
)


def test_organiser_tools_fold_into_one_details_menu(client, make_user, login):  # noqa: ANN001
    login(client, make_user("organiser@example.org", "organiser"))
    page = client.get("/").get_data(as_text=True)
    (menu,) = MENU.findall(page)
    assert ">Members</a>" in menu and ">Approve events</a>" in menu
    assert ">Account</a>" not in menu and ">Events</a>" not in menu
    nav = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert nav.count(">Members</a>") == 1
    assert nav.index("Organise</summary>") < nav.index(">Account</a>")


def test_supporters_get_no_organise_menu(client, make_user, login):  # noqa: ANN001
    assert "nav-organise" not in client.get("/").get_data(as_text=True)
    login(client, make_user("ann@example.org", "supporter"))
    assert "nav-organise" not in client.get("/").get_data(as_text=True)


def test_the_organiser_band_of_orders():
    assert NavItem("Members", "/m", order=900).organiser
    assert not NavItem("Account", "/a", order=990).organiser
    assert not NavItem("Events", "/e", order=50).organiser
