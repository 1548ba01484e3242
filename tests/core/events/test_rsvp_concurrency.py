"""50 people RSVP at the same moment for 10 places, over real HTTP: nobody is overbooked.

Runs on SQLite and PostgreSQL. Each guest fetches the event page (for a
session cookie and CSRF token), waits at a barrier, then all post at once.
"""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from campaignkit.core.events.models import GOING, WAITLIST, Event, Rsvp
from campaignkit.core.privacy.consent import ConsentRecord
from campaignkit.testing import CSRF_FIELD

PEOPLE, PLACES = 50, 10


def _guest(base: str, event_id: int, number: int, barrier: threading.Barrier, codes: list) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/events/{event_id}", timeout=30).read().decode()
    token = CSRF_FIELD.search(page).group(1)
    data = urllib.parse.urlencode(
        {
            "csrf_token": token,
            "name": f"Guest {number}",
            "email": f"guest{number}@example.org",
            "consent": "yes",
        }
    ).encode()
    barrier.wait(timeout=30)
    response = opener.open(f"{base}/events/{event_id}/rsvp", data=data, timeout=60)
    codes.append(response.status)


def test_fifty_simultaneous_rsvps_never_overbook_ten_places(app, add_event, live_server):  # noqa: ANN001
    event = add_event(capacity=str(PLACES))
    barrier = threading.Barrier(PEOPLE)
    codes: list[int] = []
    threads = [
        threading.Thread(target=_guest, args=(live_server, event.id, n, barrier, codes))
        for n in range(PEOPLE)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == [200] * PEOPLE  # each POST redirected to the event page, which loaded

    database = app.extensions["campaignkit"].database
    with database.new_session() as session:
        saved = session.get(Event, event.id)
        counts = dict(
            session.execute(
                select(Rsvp.status, func.count())
                .where(Rsvp.event_id == event.id)
                .group_by(Rsvp.status)
            ).all()
        )
        consents = session.scalar(
            select(func.count())
            .select_from(ConsentRecord)
            .where(ConsentRecord.source == f"event:{event.id}")
        )
    assert saved.going == PLACES
    assert counts == {GOING: PLACES, WAITLIST: PEOPLE - PLACES}
    assert consents == PEOPLE
