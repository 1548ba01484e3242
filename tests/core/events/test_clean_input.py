"""Text from event, RSVP and carpool forms is cleaned before it is stored, the same on every
database: no NUL or other control characters (a NUL is refused by PostgreSQL, kept by SQLite),
newlines and tabs kept where a field has lines, NFC, and lengths checked after cleaning."""

from __future__ import annotations

from sqlalchemy import select

from campaignkit.core.events.models import CarpoolOffer, CarpoolSeat, Event, Rsvp


def _stored(app, model):  # noqa: ANN001, ANN202
    with app.extensions["campaignkit"].database.new_session() as session:
        found = list(session.scalars(select(model)))
        for row in found:
            session.expunge(row)
        return found


def _host(client, make_user, login):  # noqa: ANN001, ANN202
    login(client, make_user("host@example.org", "host"))


def test_event_text_is_stored_clean_with_its_lines_kept(
    app,
    client,
    make_user,
    login,
    csrf_token,
    event_form,  # noqa: ANN001
):
    _host(client, make_user, login)
    form = event_form(
        title="Door\x00 knocking\tnight\r\n",
        description="Meet at the cafe\u0301.\r\nBring\x00 water\x07.\n\tand a map\x85",
        venue="Church\x1b Hall\u200b",
        address="1 Example Street\rLondon\x9b",
        accessibility="Step-free\x00 access\ufffe",
        postcode="sw1a 1aa",
    )
    response = client.post("/host/events/new", data={**form, "csrf_token": csrf_token(client)})
    assert response.status_code in (302, 303)
    (event,) = _stored(app, Event)
    assert event.title == "Door knocking night"
    assert event.description == "Meet at the caf\u00e9.\nBring water.\n\tand a map"
    assert event.venue == "Church Hall\u200b"  # a zero-width space is not a control character
    assert event.address == "1 Example Street\nLondon"
    assert event.accessibility == "Step-free access"
    assert event.postcode == "SW1A 1AA"


def test_event_lengths_are_measured_after_cleaning_and_too_long_is_refused(
    app,
    client,
    make_user,
    login,
    csrf_token,
    event_form,  # noqa: ANN001
):
    _host(client, make_user, login)
    too_long = event_form(title="a" * 201)
    refused = client.post("/host/events/new", data={**too_long, "csrf_token": csrf_token(client)})
    assert refused.status_code == 400
    assert "too long (at most 200 characters)" in refused.get_data(as_text=True)
    assert _stored(app, Event) == []
    spaced = event_form(title="b" * 200 + "\x00" * 5, postcode="SW1A" + " " * 20 + "1AA")
    saved = client.post("/host/events/new", data={**spaced, "csrf_token": csrf_token(client)})
    assert saved.status_code in (302, 303)
    (event,) = _stored(app, Event)
    assert (event.title, event.postcode) == ("b" * 200, "SW1A 1AA")


def test_rsvp_names_are_stored_clean_and_too_long_ones_refused(app, client, add_event, csrf_token):  # noqa: ANN001
    event = add_event()
    token = csrf_token(client)
    guest = {"email": "ann@example.org", "consent": "yes", "csrf_token": token}
    taken = client.post(f"/events/{event.id}/rsvp", data={**guest, "name": "Ann\x00\tA\u030a\r\n"})
    assert taken.status_code == 303
    (rsvp,) = _stored(app, Rsvp)
    assert rsvp.name == "Ann \u00c5"
    long_name = {**guest, "email": "bob@example.org", "name": "B" * 201}
    assert client.post(f"/events/{event.id}/rsvp", data=long_name).status_code == 303
    assert "shorten your name to 200" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert len(_stored(app, Rsvp)) == 1


def test_carpool_fields_are_stored_clean_and_a_spaced_out_postcode_normalised(
    app,
    client,
    add_event,
    make_user,
    login,
    csrf_token,  # noqa: ANN001
):
    event = add_event()
    login(client, make_user("driver@example.org"))
    form = {
        "origin": "sw1a" + " " * 20 + "1aa", "departs": "09:15", "seats": "2",
        "name": "Dee\x00\x1f", "notes": "Ring me\x00\r\nat the gate\t(blue car)",
        "liability": "yes", "csrf_token": csrf_token(client),
    }  # fmt: skip
    offered = client.post(f"/events/{event.id}/carpools/offer", data=form)
    assert offered.status_code == 303
    (offer,) = _stored(app, CarpoolOffer)
    assert (offer.origin_postcode, offer.driver_name) == ("SW1A 1AA", "Dee")
    assert offer.notes == "Ring me\nat the gate\t(blue car)"
    too_far = client.post(
        f"/events/{event.id}/carpools/offer", data={**form, "origin": "SW1A 1AA" + " x" * 10}
    )
    assert too_far.status_code == 400
    assert "postcode you leave from" in too_far.get_data(as_text=True)
    assert len(_stored(app, CarpoolOffer)) == 1

    rider = app.test_client()
    login(rider, make_user("rider@example.org"))
    claim = {"name": "Rob\x00\nby", "csrf_token": csrf_token(rider)}
    assert rider.post(f"/events/carpools/{offer.id}/claim", data=claim).status_code == 303
    (seat,) = _stored(app, CarpoolSeat)
    assert seat.rider_name == "Rob by"


def test_imported_events_are_stored_clean_too(app, cli, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr("campaignkit.core.cli_support.create_app", lambda path: app)
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        "type,title,description,date,start,end,venue,postcode\n"
        + 'canvass,Door\x00 knocking,"Meet\x00 here.\r\nBring\x1b water.",2030-05-02,10:00,13:00,'
        + "Hall,SW1A 1AA\n",
        encoding="utf-8",
        newline="",
    )
    result = cli("events", "import", str(sheet))
    assert result.exit_code == 0, result.output
    (event,) = _stored(app, Event)
    assert (event.title, event.description) == ("Door knocking", "Meet here.\nBring water.")
