""" "Host an event here" opens the event form with a postcode in the seat already filled in."""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

ALDERSHOT = "E14001063"
BELFAST_EAST = "N05000001"
HOST_LINK = re.compile(r'href="(/host/events/new[^"]*)">Host an event here')


def _host_links(page: str) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(unescape(href)).query) for href in HOST_LINK.findall(page)]


def test_find_page_links_carry_the_searched_postcode_for_its_own_seat(client):
    page = client.get("/seats?postcode=EH1+1YZ&mode=need").get_data(as_text=True)
    links = _host_links(page)
    assert links and all(len(query["seat"]) == 1 for query in links)
    typed = [query for query in links if query.get("postcode") == ["EH1 1YZ"]]
    others = [query for query in links if query.get("postcode") != ["EH1 1YZ"]]
    assert len({query["seat"][0] for query in typed}) <= 1  # the answer and the list: one seat
    assert all(query.get("postcode") for query in others)


def test_seat_page_link_prefills_the_host_form(client, make_user, login):
    page = client.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)
    (query,) = _host_links(page)
    assert query["seat"] == [ALDERSHOT] and query["postcode"][0].startswith("GU")
    login(client, make_user("host@example.org", "host"))
    href = unescape(HOST_LINK.search(page).group(1))
    form = client.get(href).get_data(as_text=True)
    assert f'name="postcode" type="text" value="{query["postcode"][0]}"' in form
    assert f"{query['postcode'][0]} is in Aldershot." in form


def test_host_form_prefill_is_checked_against_the_postcode(client, make_user, login):
    login(client, make_user("host@example.org", "host"))
    other = client.get(f"/host/events/new?postcode=eh1++1yz&seat={ALDERSHOT}")
    page = other.get_data(as_text=True)
    assert other.status_code == 200 and 'value="EH1 1YZ"' in page
    assert "not the seat you came from" in page and "is in Aldershot" not in page
    bogus = client.get(
        "/host/events/new",
        query_string={"postcode": '"><script>alert(1)</script>', "seat": "<b>x</b>"},
    )
    page = bogus.get_data(as_text=True)
    assert bogus.status_code == 200 and "<script>alert" not in page and "<b>x" not in page
    assert 'name="postcode" type="text" value=""' in page
    unknown = client.get(f"/host/events/new?postcode=BT5+4AA&seat={BELFAST_EAST}")
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 200 and 'value="BT5 4AA"' in page and " is in " not in page


def test_northern_ireland_seat_link_names_only_the_seat(client):
    page = client.get(f"/seats/{BELFAST_EAST}").get_data(as_text=True)
    assert _host_links(page) == [{"seat": [BELFAST_EAST]}]


def test_a_supporter_is_offered_to_host_and_lands_back_on_the_prefilled_form(
    client, make_user, login, csrf_token
):
    login(client, make_user("ann@example.org", "supporter"))
    page = client.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)
    href = unescape(HOST_LINK.search(page).group(1))
    offer = client.get(href)
    assert offer.status_code == 200 and "Become a host</button>" in offer.text
    assert f'name="next" value="{escape(href)}"' in offer.text
    became = client.post(
        "/host/events/become", data={"next": href, "csrf_token": csrf_token(client)}
    )
    assert became.status_code == 303 and became.location == href
    form = client.get(href).get_data(as_text=True)
    assert "You are a host now" in form and 'name="postcode" type="text" value="GU' in form
    elsewhere = client.post(
        "/host/events/become",
        data={"next": "https://evil.example/host/events/new", "csrf_token": csrf_token(client)},
    )
    assert elsewhere.location == "/host/events/new"


def test_the_host_link_is_shown_only_to_those_it_can_help(client, make_user, login):
    login(client, make_user("mod@example.org", "moderator"))
    page = client.get(f"/seats/{ALDERSHOT}").get_data(as_text=True)
    assert "Host an event here" not in page and "Find another seat" in page
    refused = client.get("/host/events/new")
    assert refused.status_code == 403 and "Ask an organiser" in refused.text
    assert "Become a host" not in refused.text
