"""Carpools: offers from a postcode, seats never overbooked, contact shared only with consent."""

from __future__ import annotations

import threading

from sqlalchemy import select

from campaignkit.core.events.carpools import CarpoolError, claim_seat
from campaignkit.core.events.models import CarpoolOffer, CarpoolSeat


def test_offer_claim_and_contacts_only_with_consent(
    app,
    client,
    add_event,
    make_user,
    login,
    csrf_token,  # noqa: ANN001
):
    event = add_event()
    login(client, make_user("driver@example.org"))
    token = csrf_token(client)
    form = {"origin": "SW9", "departs": "09:15", "seats": "2", "name": "Dee", "csrf_token": token}
    unread = client.post(f"/events/{event.id}/carpools/offer", data=form)
    assert unread.status_code == 400 and "read the notice" in unread.get_data(as_text=True)
    bad = client.post(f"/events/{event.id}/carpools/offer",
                      data={**form, "origin": "ZZ99", "liability": "yes"})  # fmt: skip
    assert bad.status_code == 400 and "could not find" in bad.get_data(as_text=True)
    offered = client.post(f"/events/{event.id}/carpools/offer",
                          data={**form, "liability": "yes", "share_contact": "yes"})  # fmt: skip
    assert offered.status_code == 303
    with app.extensions["campaignkit"].database.new_session() as session:
        offer = session.scalars(select(CarpoolOffer)).one()

    sharer, private = app.test_client(), app.test_client()
    login(sharer, make_user("rider1@example.org"))
    login(private, make_user("rider2@example.org"))
    sharer.post(f"/events/carpools/{offer.id}/claim",
                data={"share_contact": "yes", "csrf_token": csrf_token(sharer)})  # fmt: skip
    private.post(f"/events/carpools/{offer.id}/claim", data={"csrf_token": csrf_token(private)})
    driver_view = client.get(f"/events/{event.id}/carpools/mine").get_data(as_text=True)
    assert "rider1@example.org" in driver_view and "rider2@example.org" not in driver_view
    public = app.test_client().get(f"/events/{event.id}").get_data(as_text=True)
    assert "Dee" in public and "driver@" not in public and "driver</strong>" not in public
    assert "driver@example.org" in sharer.get(f"/events/{event.id}/carpools/mine").get_data(
        as_text=True
    )
    assert "driver@example.org" not in private.get(f"/events/{event.id}/carpools/mine").get_data(
        as_text=True
    )


def test_simultaneous_claims_never_overbook_a_car(app, add_event, make_user):  # noqa: ANN001
    event = add_event()
    riders = [make_user(f"rider{n}@example.org") for n in range(12)]
    database = app.extensions["campaignkit"].database
    with database.write() as session:
        offer = CarpoolOffer(event_id=event.id, driver_name="D", driver_email="d@example.org",
                             origin_postcode="SW9", lat=51.47, lon=-0.11,
                             departs_at=event.starts_at, seats=3, taken=0, notes="",
                             share_contact=False)  # fmt: skip
        session.add(offer)
    barrier, outcomes = threading.Barrier(len(riders)), []

    def claim(rider):  # noqa: ANN001, ANN202
        with app.test_request_context():
            barrier.wait(timeout=30)
            try:
                claim_seat(offer.id, rider, False)
                outcomes.append("seat")
            except CarpoolError:
                outcomes.append("full")

    threads = [threading.Thread(target=claim, args=(rider,)) for rider in riders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["full"] * 9 + ["seat"] * 3
    with database.new_session() as session:
        assert session.get(CarpoolOffer, offer.id).taken == 3
        assert len(session.scalars(select(CarpoolSeat)).all()) == 3


def test_a_lift_leaves_at_the_time_given_in_the_events_own_zone(
    client,
    add_event,
    make_user,
    login,
    csrf_token,  # noqa: ANN001
):
    """Stored in UTC on every backend: SQLite kept the local time and showed it shifted."""
    event = add_event(timezone="America/Los_Angeles")
    login(client, make_user("driver@example.org"))
    form = {"origin": "SW9", "departs": "09:15", "seats": "2", "name": "Dee",
            "liability": "yes", "csrf_token": csrf_token(client)}  # fmt: skip
    assert client.post(f"/events/{event.id}/carpools/offer", data=form).status_code == 303
    assert "leaving 09:15" in client.get(f"/events/{event.id}").get_data(as_text=True)
