"""Forwarding: each button is counted on the opener's node and leads on with their own link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from cascade_helpers import own_code

from campaignkit.plugins.cascade.models import Node


def _forward(client, csrf_token, code: str, target: str):  # noqa: ANN001, ANN202
    return client.post(
        f"/c/{code}/forward", data={"target": target, "csrf_token": csrf_token(client)}
    )


def test_a_forward_is_counted_and_carries_the_openers_own_link(
    app, start_cascade, rows, csrf_token
):  # noqa: ANN001
    root = start_cascade()
    ann = app.test_client()
    code = own_code(ann.get(root, follow_redirects=True).text)
    whatsapp = _forward(ann, csrf_token, code, "whatsapp")
    assert whatsapp.status_code == 303
    assert whatsapp.location.startswith("https://wa.me/?")
    message = parse_qs(urlsplit(whatsapp.location).query)["text"][0]
    assert message.endswith(f"/c/{code}") and "Polls close at 10pm" in message
    assert "https://example.org/polling" in message
    telegram = _forward(ann, csrf_token, code, "telegram")
    assert telegram.location.startswith("https://t.me/share/url?")
    assert parse_qs(urlsplit(telegram.location).query)["url"][0].endswith(f"/c/{code}")
    sms = _forward(ann, csrf_token, code, "sms")
    assert sms.location.startswith("sms:?&body=") and code in sms.location
    copy = _forward(ann, csrf_token, code, "signal")
    assert copy.status_code == 303 and urlsplit(copy.location).path == f"/c/{code}/message"
    page = ann.get(copy.location).text
    assert "paste it into Signal" in page and f"/c/{code}</textarea>" in page
    (node,) = rows(Node, code=code)
    assert (node.forwards_whatsapp, node.forwards_telegram, node.forwards_sms) == (1, 1, 1)
    assert (node.forwards_signal, node.forwards_copy) == (1, 0)
    assert len(rows(Node)) == 2  # the copy page is the opener's own: no new node


def test_a_bad_forward_is_refused_and_counts_nothing(app, start_cascade, rows, csrf_token):  # noqa: ANN001
    root = start_cascade()
    ann = app.test_client()
    mine = own_code(ann.get(root, follow_redirects=True).text)
    for code, target, status in [
        (mine, "fax", 400),
        (mine, "", 400),
        ("1-NeverIssued", "sms", 404),
    ]:
        assert _forward(ann, csrf_token, code, target).status_code == status, (code, target)
    assert all(n.forwards_sms == 0 for n in rows(Node))


def test_a_forward_needs_the_csrf_token(app, start_cascade, rows):  # noqa: ANN001
    root = start_cascade()
    ann = app.test_client()
    code = own_code(ann.get(root, follow_redirects=True).text)
    assert ann.post(f"/c/{code}/forward", data={"target": "sms"}).status_code == 400
    assert rows(Node, code=code)[0].forwards_sms == 0


def test_the_opener_alone_may_give_a_postcode_and_only_the_seat_is_kept(
    app, start_cascade, rows, csrf_token
):  # noqa: ANN001
    root = start_cascade()
    ann = app.test_client()
    code = own_code(ann.get(root, follow_redirects=True).text)
    data = {"postcode": "SW1A 1AA", "csrf_token": csrf_token(ann)}
    assert ann.post(f"/c/{code}/seat", data=data).status_code == 303
    (node,) = rows(Node, code=code)
    assert node.seat_name == "Cities of London and Westminster"
    assert "SW1A" not in repr([getattr(node, column.key) for column in Node.__table__.columns])
    bad = {"postcode": "not a postcode", "csrf_token": csrf_token(ann)}
    assert ann.post(f"/c/{code}/seat", data=bad).status_code == 303
    assert rows(Node, code=code)[0].seat_name == "Cities of London and Westminster"
    stranger = app.test_client()
    other = {"postcode": "GU11 1AA", "csrf_token": csrf_token(stranger)}
    assert stranger.post(f"/c/{code}/seat", data=other).status_code == 403
    assert rows(Node, code=code)[0].seat_name == "Cities of London and Westminster"
    assert len(rows(Node)) == 2
