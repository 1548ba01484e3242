"""After signing: next steps for the signer's place, and the threshold notice on the pages."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pledges_helpers import confirm_by_mail, sign_form
from sqlalchemy import update

from campaignkit.plugins.pledges.models import Signature

PLUGINS_DIR = Path(__file__).resolve().parents[2] / "test_plugins"


@pytest.fixture
def ck_app(ck_make_app, monkeypatch):  # noqa: ANN001, ANN201 - overrides campaignkit.testing's
    """The app with a test plugin that names the seat of the place it is given."""
    monkeypatch.syspath_prepend(str(PLUGINS_DIR))
    plugin = importlib.import_module("pledge_next_seat")
    return ck_make_app(extra_plugins=[("pledge_next_seat", plugin)])


def test_next_steps_get_the_place_of_the_signers_postcode(app, client, add_pledge, csrf_token):  # noqa: ANN001
    add_pledge()
    data = {**sign_form(), "csrf_token": csrf_token(client)}
    signed = client.post("/pledges/save-the-library/sign", data=data)
    page = client.get(signed.location).get_data(as_text=True)
    assert '<p class="next-seat">E14001172 Cities of London and Westminster</p>' in page

    with app.extensions["campaignkit"].database.write() as session:
        session.execute(update(Signature).values(postcode="ZZ99 9ZZ"))  # e.g. after erasure
    assert '<p class="next-seat">no place</p>' in client.get(signed.location).get_data(as_text=True)


def test_the_reached_threshold_shows_on_the_pledge_and_thanks_pages(
    client,
    add_pledge,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    add_pledge(threshold=1)
    add_pledge(slug="other", threshold=1000)
    notice = "The threshold of 1 has been reached: this pledge is on."
    data = {**sign_form(), "csrf_token": csrf_token(client)}
    thanks = client.post("/pledges/save-the-library/sign", data=data).location
    assert notice not in client.get(thanks).get_data(as_text=True)  # not confirmed yet
    assert notice not in client.get("/pledges/save-the-library").get_data(as_text=True)
    confirm_by_mail(client, mailbox, "ann@example.org", csrf_token)
    assert notice in client.get("/pledges/save-the-library").get_data(as_text=True)
    assert notice in client.get(thanks).get_data(as_text=True)
    data = {**sign_form(), "csrf_token": csrf_token(client)}
    client.post("/pledges/other/sign", data=data)
    assert "has been reached" not in client.get("/pledges/other").get_data(as_text=True)


def test_signing_tells_only_that_pledges_thanks_page_and_leaves_the_session_alone(
    client, add_pledge, csrf_token
):  # noqa: ANN001
    add_pledge()
    add_pledge(slug="other")
    data = {**sign_form(), "csrf_token": csrf_token(client)}
    signed = client.post("/pledges/save-the-library/sign", data=data)
    (cookie,) = signed.headers.getlist("Set-Cookie")  # no new session cookie
    assert cookie.startswith("ck_pledge_signed=")
    assert "Path=/pledges/save-the-library/thanks" in cookie
    assert "ann@example.org" in client.get(signed.location).get_data(as_text=True)
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    client.set_cookie("ck_pledge_signed", value, path="/pledges/other/thanks")
    assert "ann@example.org" not in client.get("/pledges/other/thanks").get_data(as_text=True)
    forged = value.replace(":1:", ":2:")  # another signature's id, with this one's signature
    client.set_cookie("ck_pledge_signed", forged, path="/pledges/save-the-library/thanks")
    assert "ann@example.org" not in client.get(signed.location).get_data(as_text=True)
