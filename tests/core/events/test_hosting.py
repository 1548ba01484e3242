"""Hosting: create, moderate, edit, duplicate, cancel, mark attendance; bad input saves nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from campaignkit import hookimpl
from campaignkit.core.events.models import Event
from campaignkit.core.events.validation import chat_service
from campaignkit.testing import FAST_HASHING, edit_config


def _count(app) -> int:  # noqa: ANN001
    with app.extensions["campaignkit"].database.new_session() as session:
        return session.scalar(select(func.count()).select_from(Event))


def test_chat_links_must_be_invites_of_a_known_service():
    assert chat_service("https://chat.whatsapp.com/AbCdEfGhIjKlMnOp12") == "WhatsApp"
    assert chat_service("https://signal.group/#CjQKIAbcdefghijklmnopqrstuv") == "Signal"
    assert chat_service("https://t.me/+AbCdEfGhIjKl") == "Telegram"
    assert chat_service("https://join.slack.com/t/ourgroup/shared_invite/zt-abc123-XYZxyz") == (
        "Slack"
    )
    for bad in (
        "http://chat.whatsapp.com/AbCdEfGhIjKlMnOp12",
        "https://chat.whatsapp.com.evil.example/AbCdEfGhIjKl",
        "https://t.me/somechannel",
        "https://example.org/join",
        "javascript:alert(1)",
    ):
        assert chat_service(bad) is None, bad


def test_bad_event_input_is_refused_with_a_message_and_nothing_saved(
    app,
    client,
    make_user,
    login,
    csrf_token,
    event_form,  # noqa: ANN001
):
    login(client, make_user("host@example.org", "host"))
    cases = {
        "postcode": ({"postcode": "ZZ99 9ZZ"}, "could not find"),
        "end": ({"end": "09:00"}, "must end after it starts"),
        "chat": ({"chat_url": "https://example.org/group"}, "invite link"),
        "capacity": ({"capacity": "-3"}, "whole number"),
        "type": ({"type": "rave"}, "Choose a type"),
        "place": ({"venue": " ", "address": ""}, "Give the venue or its address"),
    }
    for name, (change, message) in cases.items():
        form = {**event_form(**change), "csrf_token": csrf_token(client)}
        response = client.post("/host/events/new", data=form)
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    assert _count(app) == 0
    no_csrf = client.post("/host/events/new", data=event_form())
    assert no_csrf.status_code == 400 and _count(app) == 0


def test_held_new_hosts_wait_organisers_approve_and_hosts_are_told(
    app,
    client,
    make_user,
    login,
    csrf_token,
    outbox,
    event_form,  # noqa: ANN001
):
    changes = []

    class Listener:
        @hookimpl
        def campaignkit_event_changed(self, event, change):
            changes.append((event.title, change))

    app.extensions["campaignkit"].manager.register(Listener(), "listener")
    make_user("organiser@example.org", "organiser")
    moderator = app.test_client()
    login(moderator, "organiser@example.org")
    settings = {"hold_new_hosts": "yes", "trusted_after": "3", "csrf_token": csrf_token(moderator)}
    assert moderator.post("/organise/events/settings", data=settings).status_code == 303
    login(client, make_user("host@example.org", "host"))
    response = client.post(
        "/host/events/new", data={**event_form(), "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.get("/api/v1/events?near=SW1A").get_json()["total"] == 0  # pending
    assert {m["To"] for m in outbox()} == {"host@example.org", "organiser@example.org"}

    assert "Door knocking" in moderator.get("/organise/events").get_data(as_text=True)
    token = csrf_token(moderator)
    decided = moderator.post(f"/organise/events/{event_id}/decide",
                             data={"decision": "approve", "csrf_token": token})  # fmt: skip
    assert decided.status_code == 303
    assert client.get("/api/v1/events?near=SW1A").get_json()["total"] == 1
    assert changes == [("Door knocking in Westminster", "created"),
                       ("Door knocking in Westminster", "approved")]  # fmt: skip
    assert client.post(f"/organise/events/{event_id}/decide",
                       data={"decision": "approve", "csrf_token": csrf_token(client)}
                       ).status_code == 403  # fmt: skip


def test_banned_words_hold_back_untrusted_hosts_and_trusted_hosts_publish(
    app, client, make_user, login, csrf_token, event_form
):  # noqa: ANN001
    organiser = app.test_client()
    login(organiser, make_user("organiser@example.org", "organiser"))
    token = csrf_token(organiser)
    organiser.post("/organise/events/settings", data={"banned_words": "casino, raffle",
                   "liability_notice": "Lifts at your own risk.", "trusted_after": "3",
                   "csrf_token": token})  # fmt: skip
    login(client, make_user("host@example.org", "host"))
    mine = csrf_token(client)
    client.post("/host/events/new", data={**event_form(), "csrf_token": mine})
    client.post("/host/events/new", data={**event_form(title="Casino night"), "csrf_token": mine})
    organiser.post("/host/events/new", data={**event_form(title="Raffle"), "csrf_token": token})
    with app.extensions["campaignkit"].database.new_session() as session:
        states = dict(session.execute(select(Event.title, Event.status)).all())
    assert states == {"Door knocking in Westminster": "approved", "Casino night": "pending",
                      "Raffle": "approved"}  # fmt: skip


def test_edit_duplicate_cancel_and_attendance(
    app, client, make_user, login, csrf_token, outbox, event_form
):  # noqa: ANN001
    login(client, make_user("organiser@example.org", "organiser"))
    token = csrf_token(client)
    created = client.post(
        "/host/events/new", data={**event_form(capacity="2"), "csrf_token": token}
    )
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    guest = app.test_client()
    for number in range(3):
        guest.post(f"/events/{event_id}/rsvp", data={"name": f"G{number}", "consent": "yes",
                   "email": f"g{number}@example.org", "csrf_token": csrf_token(guest)})  # fmt: skip

    too_small = client.post(f"/host/events/{event_id}/edit",
                            data={**event_form(capacity="1"), "csrf_token": token})  # fmt: skip
    assert too_small.status_code == 400
    assert "cannot be less than 2" in too_small.get_data(as_text=True)
    form = {**event_form(capacity="3", title="Bigger"), "csrf_token": token}
    bigger = client.post(f"/host/events/{event_id}/edit", data=form)
    assert bigger.status_code == 303
    with app.extensions["campaignkit"].database.new_session() as session:
        assert session.get(Event, event_id).going == 3  # the waitlisted guest was promoted
    copy = client.get(f"/host/events/{event_id}/duplicate").get_data(as_text=True)
    assert 'value="Bigger"' in copy and 'action="/host/events/new"' in copy

    sheet = client.get(f"/host/events/{event_id}/attendance").get_data(as_text=True)
    assert sheet.count('type="checkbox"') == 3
    client.post(f"/host/events/{event_id}/cancel", data={"reason": "Rain", "csrf_token": token})
    cancelled = [m for m in outbox() if m["Subject"].startswith("Cancelled")]
    assert sorted(m["To"] for m in cancelled) == [f"g{n}@example.org" for n in range(3)]
    stranger = app.test_client()
    login(stranger, make_user("other@example.org", "host"))
    assert stranger.get(f"/host/events/{event_id}/edit").status_code == 403
    client.post(f"/host/events/{event_id}/hosts",
                data={"email": "other@example.org", "csrf_token": token})  # fmt: skip
    assert stranger.get(f"/host/events/{event_id}/edit").status_code == 200  # now a co-host


def test_a_link_prefills_the_new_event_form_but_the_post_still_geocodes(
    app,
    client,
    make_user,
    login,
    csrf_token,
    geocoder,
    event_form,  # noqa: ANN001
):
    login(client, make_user("host@example.org", "host"))
    _lat, _lon, code, name = geocoder.districts()["SW1A"]
    page = client.get(f"/host/events/new?postcode=sw1a++1aa&seat={code}").get_data(as_text=True)
    assert 'value="SW1A 1AA"' in page and f"SW1A 1AA is in {name}." in page
    page = client.get("/host/events/new?postcode=SW1A+1AA&seat=OTHER1").get_data(as_text=True)
    assert f"SW1A 1AA is in {name}, not the seat you came from" in page
    for bogus in ('<i>"x', "SW1A 1AA" * 3, ""):
        response = client.get("/host/events/new", query_string={"postcode": bogus, "seat": "<i>"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "<i>" not in page
        assert 'name="postcode" type="text" value=""' in page
    form = {**event_form(postcode="SW1A 1AA", seat="E00000000"), "csrf_token": csrf_token(client)}
    assert client.post("/host/events/new", data=form).status_code == 303
    with app.extensions["campaignkit"].database.new_session() as session:
        assert session.scalar(select(Event.seat_code)) == code


def test_a_venue_or_an_address_is_enough(app, client, make_user, login, csrf_token, event_form):  # noqa: ANN001
    login(client, make_user("host@example.org", "host"))
    for place in ({"venue": "", "address": "1 Example Street"}, {"venue": "Hall", "address": ""}):
        form = {**event_form(**place), "csrf_token": csrf_token(client)}
        assert client.post("/host/events/new", data=form).status_code == 303, place
    assert _count(app) == 2


def test_a_member_waiting_for_approval_is_not_offered_hosting(
    instance,  # noqa: ANN001
    make_app,  # noqa: ANN001
    make_user,  # noqa: ANN001
    login,  # noqa: ANN001
    csrf_token,  # noqa: ANN001
):
    make_user("new@example.org", "supporter", approved=False)
    edit_config(instance, accounts={**FAST_HASHING, "require_approval": True})
    browser = make_app().test_client()
    login(browser, "new@example.org")
    page = browser.get("/host/events/new")
    assert page.status_code == 403 and "waiting for an organiser's approval" in page.text
    data = {"next": "/host/events/new", "csrf_token": csrf_token(browser)}
    assert browser.post("/host/events/become", data=data).status_code == 403


def test_the_event_page_names_hosts_by_first_name_never_by_address(  # noqa: PLR0913
    app,
    client,
    make_user,
    login,
    csrf_token,
    event_form,
    add_event,  # noqa: ANN001
):
    host = make_user("host@example.org", "host")
    login(client, host)
    form = {**event_form(), "csrf_token": csrf_token(client)}
    page_path = client.post("/host/events/new", data=form).location
    visitor = app.test_client()
    unnamed = visitor.get(page_path).get_data(as_text=True)
    assert "Hosted by a local volunteer" in unnamed and "host@example.org" not in unnamed

    client.post("/account/name", data={"name": "Sam", "csrf_token": csrf_token(client)})
    make_user("cohost@example.org", "host")  # a co-host without a name adds nothing
    cohost_form = {"email": "cohost@example.org", "csrf_token": csrf_token(client)}
    event_id = page_path.rsplit("/", 1)[-1]
    assert client.post(f"/host/events/{event_id}/hosts", data=cohost_form).status_code == 303
    named = visitor.get(page_path).get_data(as_text=True)
    assert "Hosted by Sam<" in named and "@example.org" not in named

    hostless = add_event(title="Imported")  # an organiser's import without a host
    assert "Hosted by" not in visitor.get(f"/events/{hostless.id}").get_data(as_text=True)
