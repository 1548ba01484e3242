"""Guest RSVPs belong to whoever shows they own the address, never to whoever types it.

Mail goes to a real SMTP server (aiosmtpd), so what reaches an inbox is what
a mail server was handed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from campaignkit.core.events.models import Event, Rsvp
from campaignkit.core.privacy.consent import ConsentRecord
from campaignkit.testing import edit_config

VICTIM = "victim@example.org"
WITHDRAW_BUTTON = "I can't come after all"


@pytest.fixture
def ck_instance(ck_instance, smtp_server):  # noqa: ANN001, ANN201 - extends the events fixture
    """The events test instance, sending its mail to the test SMTP server."""
    edit_config(
        ck_instance, mail={"host": "127.0.0.1", "port": smtp_server.port, "starttls": False}
    )
    return ck_instance


def _rsvp(client, event_id, csrf_token, email, name="Guest"):  # noqa: ANN001, ANN202
    data = {"name": name, "email": email, "consent": "yes", "csrf_token": csrf_token(client)}
    response = client.post(f"/events/{event_id}/rsvp", data=data)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _statuses(app, event_id):  # noqa: ANN001, ANN202
    with app.extensions["campaignkit"].database.new_session() as session:
        rows = session.scalars(select(Rsvp).where(Rsvp.event_id == event_id))
        return {r.email: r.status for r in rows}


def _session_data(app, client) -> dict:  # noqa: ANN001
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


@pytest.mark.parametrize(
    "typed",
    [
        "a,b@ex.org, evil2@attacker.example",
        "Eve <evil3@attacker.example>, x@ex.org",
        "a,b@example.org",
        f"{VICTIM}\r\nBcc: evil@attacker.example",
        f"{VICTIM}\r\n",
    ],
)
def test_anything_but_one_address_is_refused_and_takes_no_place(
    app,
    client,
    add_event,
    csrf_token,
    mailbox,
    typed,  # noqa: ANN001
):
    event = add_event(capacity="5")
    page = _rsvp(client, event.id, csrf_token, typed)
    assert "Please give one address" in page or "control characters" in page
    assert _statuses(app, event.id) == {}
    with app.extensions["campaignkit"].database.new_session() as session:
        assert session.get(Event, event.id).going == 0
        assert session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
    assert mailbox.messages == []


def test_typing_someone_elses_address_hands_nothing_over(
    app,
    add_event,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    event = add_event(capacity="5")
    victim = app.test_client()
    assert "You're going" in _rsvp(victim, event.id, csrf_token, VICTIM, "Vic")
    assert [m["Subject"] for m in mailbox.to(VICTIM)] == [f"You're going: {event.title}"]

    attacker = app.test_client()  # a fresh browser, nobody signed in
    page = _rsvp(attacker, event.id, csrf_token, VICTIM.upper(), "Eve")
    assert "Check your email" in page
    assert WITHDRAW_BUTTON not in page and "You're going" not in page
    assert "waitlist" not in page.lower()
    refused = attacker.post(
        f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(attacker)}
    )
    assert refused.status_code == 403
    assert _statuses(app, event.id) == {VICTIM: "going"}
    assert VICTIM not in str(_session_data(app, attacker)).lower()

    # The address's owner is told, with a link that works from any browser.
    (notice,) = [m for m in mailbox.to(VICTIM) if m["Subject"].startswith("About your RSVP")]
    link = urlsplit(mailbox.LINK.search(notice.get_content()).group(0)).path
    owner = app.test_client()
    assert "I can't come" in owner.get(link).get_data(as_text=True)
    owner.post(link, data={"csrf_token": csrf_token(owner)})
    assert _statuses(app, event.id) == {VICTIM: "withdrawn"}


def test_a_members_rsvp_is_not_handed_to_a_guest(
    app,
    add_event,
    csrf_token,
    make_user,
    login,
    mailbox,  # noqa: ANN001
):
    event = add_event()
    member = app.test_client()
    login(member, make_user(VICTIM))
    member.post(f"/events/{event.id}/rsvp", data={"csrf_token": csrf_token(member)})
    guest = app.test_client()
    page = _rsvp(guest, event.id, csrf_token, VICTIM, "Eve")
    assert "Check your email" in page and WITHDRAW_BUTTON not in page
    guest.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(guest)})
    assert _statuses(app, event.id) == {VICTIM: "going"}
    assert WITHDRAW_BUTTON in member.get(f"/events/{event.id}").get_data(as_text=True)


def test_the_browser_that_made_an_rsvp_keeps_only_an_opaque_claim_on_it(
    app,
    add_event,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    event = add_event()
    guest = app.test_client()
    assert "You're going" in _rsvp(guest, event.id, csrf_token, "Ann@Example.org", "Ann")
    assert "@" not in str(_session_data(app, guest))
    again = _rsvp(guest, event.id, csrf_token, "ann@example.org", "Ann")  # a second press
    assert WITHDRAW_BUTTON in again and "Check your email" not in again
    guest.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(guest)})
    assert _statuses(app, event.id) == {"ann@example.org": "withdrawn"}


def test_a_claim_is_void_once_the_address_rsvps_again(
    app,
    add_event,
    csrf_token,
    mailbox,  # noqa: ANN001
):
    event = add_event()
    attacker = app.test_client()
    _rsvp(attacker, event.id, csrf_token, VICTIM, "Eve")  # before the victim does
    attacker.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(attacker)})
    victim = app.test_client()
    assert "You're going" in _rsvp(victim, event.id, csrf_token, VICTIM, "Vic")
    page = attacker.get(f"/events/{event.id}").get_data(as_text=True)
    assert WITHDRAW_BUTTON not in page
    attacker.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(attacker)})
    assert _statuses(app, event.id) == {VICTIM: "going"}
    assert WITHDRAW_BUTTON in victim.get(f"/events/{event.id}").get_data(as_text=True)


def test_a_guest_rsvp_is_a_members_once_their_address_is_confirmed(
    app,
    add_event,
    csrf_token,
    make_user,
    login,
    mailbox,  # noqa: ANN001
):
    event = add_event()
    _rsvp(app.test_client(), event.id, csrf_token, VICTIM, "Vic")
    unconfirmed = app.test_client()  # an account made with the address, never confirmed
    login(unconfirmed, make_user(VICTIM, verified=False))
    assert WITHDRAW_BUTTON not in unconfirmed.get(f"/events/{event.id}").get_data(as_text=True)
    response = unconfirmed.post(
        f"/events/{event.id}/rsvp", data={"csrf_token": csrf_token(unconfirmed)}
    )
    assert "Check your email" in unconfirmed.get(response.headers["Location"]).get_data(
        as_text=True
    )
    unconfirmed.post(f"/events/{event.id}/withdraw", data={"csrf_token": csrf_token(unconfirmed)})
    assert _statuses(app, event.id) == {VICTIM: "going"}

    confirmed = app.test_client()
    login(confirmed, make_user("owner@example.org"))
    _rsvp(app.test_client(), event.id, csrf_token, "owner@example.org", "Own")
    assert WITHDRAW_BUTTON in confirmed.get(f"/events/{event.id}").get_data(as_text=True)
