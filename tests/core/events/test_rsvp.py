"""RSVPs: members and guests, the waitlist and its promotion, consent, reminders, hidden events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from campaignkit.core.events.models import Event, Rsvp
from campaignkit.core.privacy.consent import consents_of


def _rsvp(client, event_id, csrf_token, **fields):  # noqa: ANN001, ANN202
    return client.post(
        f"/events/{event_id}/rsvp", data={**fields, "csrf_token": csrf_token(client)}
    )


def _statuses(app, event_id):  # noqa: ANN001, ANN202
    with app.extensions["campaignkit"].database.new_session() as session:
        rows = session.scalars(select(Rsvp).where(Rsvp.event_id == event_id).order_by(Rsvp.id))
        return {r.email: r.status for r in rows}


def test_guests_need_consent_members_do_not_and_withdrawing_promotes(
    app,
    client,
    add_event,
    make_user,
    login,
    csrf_token,
    outbox,  # noqa: ANN001
):
    event = add_event(capacity="1")
    refused = _rsvp(client, event.id, csrf_token, name="Ann", email="ann@example.org")
    assert refused.status_code == 303 and _statuses(app, event.id) == {}
    _rsvp(client, event.id, csrf_token, name="Ann", email="ann@example.org", consent="yes")
    with app.app_context(), app.extensions["campaignkit"].database.new_session() as session:
        (consent,) = consents_of(session, "ann@example.org")
    assert consent.purpose == "events.rsvp" and "withdraw" in consent.wording

    member = app.test_client()
    login(member, make_user("bob@example.org"))
    page = _rsvp(member, event.id, csrf_token)
    assert "waitlist" in member.get(page.headers["Location"]).get_data(as_text=True)
    assert _statuses(app, event.id) == {"ann@example.org": "going", "bob@example.org": "waitlist"}
    assert member.post(f"/events/{event.id}/rsvp", data={}).status_code == 400  # no CSRF token

    # Ann can't come; a member withdrawing works the same way: Bob is promoted and told.
    from campaignkit.core.events.rsvp import withdraw

    with app.test_request_context():
        promoted = withdraw(event.id, "ann@example.org")
    assert [p.email for p in promoted] == ["bob@example.org"]
    assert _statuses(app, event.id) == {"ann@example.org": "withdrawn", "bob@example.org": "going"}
    assert any(m["To"] == "bob@example.org" and "place is yours" in m["Subject"] for m in outbox())
    member.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(member)})
    assert _statuses(app, event.id)["bob@example.org"] == "withdrawn"


def test_members_only_events_are_hidden_from_guests(app, client, add_event, make_user, login):  # noqa: ANN001
    event = add_event(members_only="1")
    assert client.get(f"/events/{event.id}").status_code == 404
    login(client, make_user("member@example.org"))
    assert client.get(f"/events/{event.id}").status_code == 200


def test_the_chat_link_is_shown_only_to_people_coming(client, add_event, csrf_token):  # noqa: ANN001
    event = add_event()
    assert "chat.whatsapp.com" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    _rsvp(client, event.id, csrf_token, name="Ann", email="ann@example.org", consent="yes")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Join the WhatsApp group" in page


def test_reminders_go_once_to_people_coming_within_a_day(
    app,
    add_event,
    csrf_token,
    client,
    outbox,
    immediate_jobs,  # noqa: ANN001
):
    event = add_event()
    _rsvp(client, event.id, csrf_token, name="Ann", email="ann@example.org", consent="yes")
    database = app.extensions["campaignkit"].database
    with database.write() as session:
        session.get(Event, event.id).starts_at = datetime.now(UTC) + timedelta(hours=3)
    job = app.extensions["campaignkit"].jobs["campaignkit.core.events.jobs.send_event_reminders"]
    job.enqueue()
    job.enqueue()
    reminders = [m for m in outbox() if m["Subject"].startswith("Reminder")]
    assert [m["To"] for m in reminders] == ["ann@example.org"]
    text = reminders[0].get_content()
    assert "When: " in text and ("(BST)" in text or "(GMT)" in text)
    assert f", {event.postcode}\nMap: https://www.openstreetmap.org/?mlat=" in text
    assert "Can't come after all? Let the hosts know: http://" in text and "/events/rsvp/" in text


def test_plugins_hear_of_every_change(app, client, add_event, csrf_token):  # noqa: ANN001
    from campaignkit import hookimpl
    from campaignkit.core.events.service import cancel_event, update_event

    heard = []

    class Listener:
        @hookimpl
        def campaignkit_event_changed(self, event, change, rsvp):
            heard.append((change, rsvp.email if rsvp else None))

    class Broken:
        @hookimpl
        def campaignkit_event_changed(self, event):
            raise RuntimeError("a broken plugin must not stop an RSVP")

    manager = app.extensions["campaignkit"].manager
    manager.register(Listener(), "listener")
    manager.register(Broken(), "broken")
    event = add_event()
    _rsvp(client, event.id, csrf_token, name="Ann", email="ann@example.org", consent="yes")
    with app.test_request_context():
        update_event(event.id, {"title": "New title"})
        cancel_event(event.id)
    assert heard == [("created", None), ("approved", None), ("rsvp", "ann@example.org"),
                     ("updated", None), ("cancelled", None)]  # fmt: skip
    assert _statuses(app, event.id) == {"ann@example.org": "going"}


def test_one_address_cannot_flood_an_event_with_guests(client, add_event, csrf_token):  # noqa: ANN001
    event = add_event(capacity="")
    token = csrf_token(client)
    codes = [
        client.post(f"/events/{event.id}/rsvp", data={"csrf_token": token, "consent": "yes",
                    "name": "G", "email": f"g{n}@example.org"}).status_code
        for n in range(61)
    ]  # fmt: skip
    assert codes[:60] == [303] * 60 and codes[60] == 429


def test_guests_withdraw_through_the_link_in_their_mail(app, add_event, csrf_token, outbox):  # noqa: ANN001
    import re

    event = add_event()
    first = app.test_client()
    _rsvp(first, event.id, csrf_token, name="Ann", email="ann@example.org", consent="yes")
    (confirmation,) = [m for m in outbox() if m["Subject"].startswith("You're going")]
    text = confirmation.get_content()
    when = event.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert f"When: {when:%A %-d %B %Y, %H:%M} to " in text and f"({when.tzname()})" in text
    assert (
        "Where: Church Hall, 1 Example Street, SW1A 1AA\nMap: https://www.openstreetmap.org/"
        in text
    )
    link = re.search(r"http://\S+/events/rsvp/\S+", confirmation.get_content()).group(0)
    path = link.split("127.0.0.1:5000", 1)[1]  # [server] public_url
    other = app.test_client()  # another browser, nobody signed in
    assert other.get(path[:-2] + "xx").status_code == 404
    assert "I can't come" in other.get(path).get_data(as_text=True)
    other.post(path, data={"csrf_token": csrf_token(other)})
    assert _statuses(app, event.id) == {"ann@example.org": "withdrawn"}


def test_the_event_page_gives_directions_and_share_buttons(client, add_event):  # noqa: ANN001
    event = add_event(venue="Church Hall", address="1 Example Street")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Church Hall, 1 Example Street, SW1A 1AA" in page
    at = f"{event.lat:.5f},{event.lon:.5f}"
    assert f'href="https://www.openstreetmap.org/?mlat={event.lat:.5f}&amp;mlon=' in page
    assert f'href="geo:{at}?q={at}(Church%20Hall)"' in page
    assert "Bring someone along" in page and 'class="share-whatsapp"' in page
    assert f"/events/{event.id}.ics" in page or "Add to calendar" in page
