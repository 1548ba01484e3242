"""Signing: one count per address, the consent record, double opt-in over real SMTP, bad input."""

from __future__ import annotations

import pytest
from pledges_helpers import confirm_by_mail, confirm_path, sign_form

from campaignkit.core.privacy.consent import consents_of
from campaignkit.plugins.pledges.models import Pledge, Signature


def _sign(client, csrf_token, slug="save-the-library", **fields):  # noqa: ANN001, ANN202
    data = {**sign_form(**fields), "csrf_token": csrf_token(client)}
    return client.post(f"/pledges/{slug}/sign", data=data)


def test_double_opt_in_counts_once_after_the_mailed_link(
    app,
    client,
    add_pledge,
    rows,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    pledge = add_pledge(threshold=1)
    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert "0</strong> signed · goal 100" in page and "<progress" in page
    assert 'name="consent" type="checkbox" value="yes" required>' in page  # unticked
    response = _sign(client, csrf_token)
    assert response.status_code == 303
    thanks = client.get(response.location).get_data(as_text=True)
    assert "sent an email" in thanks and "0</strong> signed, 1 waiting to confirm" in thanks
    assert rows(Pledge)[0].signed_count == 0
    waiting = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert "0</strong> signed, 1 waiting to confirm · goal 100" in waiting
    assert "threshold" not in waiting and rows(Pledge)[0].threshold_reached_at is None
    again = _sign(client, csrf_token, email=" ANN@example.org ", name="Ann Again")
    assert again.status_code == 303
    assert len(rows(Signature)) == 1 and len(mailbox.to("ann@example.org")) == 1

    confirmed = confirm_by_mail(client, mailbox, "ann@example.org", csrf_token)
    assert confirmed.status_code == 303
    assert "confirmed and counted" in client.get(confirmed.location).get_data(as_text=True)
    again = confirm_by_mail(client, mailbox, "ann@example.org", csrf_token)
    assert again.status_code == 303  # single use: no second count
    assert "already confirmed" in client.get(again.location).get_data(as_text=True)
    assert rows(Pledge)[0].signed_count == 1
    counted = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert "Ann, Cities of London and Westminster" in counted
    assert "1</strong> signed · goal 100" in counted and "waiting" not in counted
    assert "The threshold of 1 has been reached" in counted
    assert client.get("/pledges/confirm/forged-token").status_code == 404


def test_opening_the_mailed_link_confirms_nothing_until_the_button_is_pressed(
    app,
    client,
    add_pledge,
    rows,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    add_pledge()
    _sign(client, csrf_token)
    path = confirm_path(mailbox, "ann@example.org")
    scanner = app.test_client()  # a mail scanner fetching the link, without cookies
    for _ in range(2):
        page = scanner.get(path)
        assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert "Confirm my signature</button>" in page.get_data(as_text=True)
    assert scanner.post(path).status_code == 400  # no CSRF token
    assert rows(Signature)[0].confirmed_at is None and rows(Pledge)[0].signed_count == 0
    assert client.post(path, data={"csrf_token": csrf_token(client)}).status_code == 303
    assert rows(Signature)[0].confirmed_at is not None and rows(Pledge)[0].signed_count == 1
    later = scanner.get(path).get_data(as_text=True)
    assert "already confirmed" in later and "Confirm my signature" not in later
    forged = client.post("/pledges/confirm/forged", data={"csrf_token": csrf_token(client)})
    assert forged.status_code == 404


def test_consent_wording_is_recorded_with_the_signature(app, client, add_pledge, csrf_token):  # noqa: ANN001
    add_pledge()
    _sign(client, csrf_token)
    with app.app_context(), app.extensions["campaignkit"].database.new_session() as session:
        (consent,) = consents_of(session, "ann@example.org")
    assert consent.purpose == "pledges.sign" and "withdraw" in consent.wording
    assert consent.source == "pledge:save-the-library"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "your name"),
        ({"email": "not-an-email"}, "valid email"),
        ({"email": "a,b@example.org"}, "valid email"),
        ({"email": "ann@example.org\r\nBcc: evil@attacker.example"}, "valid email"),
        ({"postcode": ""}, "postcode"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode"),
        ({"consent": None}, "tick the box"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(
    app,
    client,
    add_pledge,
    rows,
    csrf_token,
    fields,
    message,  # noqa: ANN001
):
    add_pledge()
    response = _sign(client, csrf_token, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert rows(Signature) == []


def test_closed_unknown_and_draft_pledges_and_robots(app, client, add_pledge, rows, csrf_token):  # noqa: ANN001
    add_pledge(slug="closed", status="closed")
    add_pledge(slug="draft", status="draft")
    add_pledge(slug="open")
    closed = _sign(client, csrf_token, slug="closed")
    assert closed.status_code == 400 and "not open" in closed.get_data(as_text=True)
    assert _sign(client, csrf_token, slug="nope").status_code == 404
    assert _sign(client, csrf_token, slug="x" * 300).status_code == 404  # longer than any slug
    assert client.get("/pledges/draft").status_code == 404
    robot = _sign(client, csrf_token, slug="open", website="http://spam.example")
    assert robot.status_code == 303
    assert rows(Signature) == []
    assert client.post("/pledges/open/sign", data=sign_form()).status_code == 400  # no CSRF


def test_a_flood_from_one_address_is_refused(app, client, add_pledge, rows, csrf_token):  # noqa: ANN001
    add_pledge()
    statuses = [_sign(client, csrf_token, email=f"p{i}@example.org").status_code for i in range(25)]
    assert statuses[:20] == [303] * 20 and statuses[-1] == 429
    assert len(rows(Signature)) == 20
